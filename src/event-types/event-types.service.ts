import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { isPgError, UNIQUE_VIOLATION } from '../common/database-errors';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors/domain-error';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { isValidEventTypeName } from '../common/event-type-name';
import {
  CreateEventTypeDto,
  EventTypeQueryDto,
  EventTypeResponseDto,
  UpdateEventTypeDto,
} from './dto/event-type.dto';
import { EventTypeEntity } from './event-type.entity';
import { EventTypesRepository } from './event-types.repository';
import { JsonSchemaChecker } from './json-schema-checker';

@Injectable()
export class EventTypesService {
  constructor(
    private readonly types: EventTypesRepository,
    private readonly schemas: JsonSchemaChecker,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(dto: CreateEventTypeDto): Promise<EventTypeEntity> {
    this.checkSchema(dto.schema);
    this.checkExamples(dto.schema ?? null, dto.examples ?? []);
    const now = this.clock.now();
    try {
      return await this.types.insert({
        name: dto.name,
        description: dto.description ?? '',
        schema: dto.schema ?? null,
        archived: dto.archived ?? false,
        examples: dto.examples ?? [],
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (isPgError(err, UNIQUE_VIOLATION))
        throw new ConflictError('event_type_exists', `event type "${dto.name}" already exists`);
      throw err;
    }
  }

  async list(query: EventTypeQueryDto): Promise<Page<EventTypeResponseDto>> {
    const limit = pageLimit(query);
    const rows = await this.types.list(
      limit,
      decodeCursor(query.cursor, isValidEventTypeName),
      query.archived,
    );
    return toPage(rows, limit, (t) => t.name, EventTypeResponseDto.from);
  }

  async get(name: string): Promise<EventTypeEntity> {
    const type = await this.types.find(name);
    if (!type) throw new NotFoundError('event type', name);
    return type;
  }

  async update(name: string, dto: UpdateEventTypeDto): Promise<EventTypeEntity> {
    const type = await this.get(name);
    if (dto.schema !== undefined && dto.schema !== null) this.checkSchema(dto.schema);
    if (dto.description !== undefined) type.description = dto.description;
    if (dto.schema !== undefined) type.schema = dto.schema;
    if (dto.archived !== undefined) type.archived = dto.archived;
    if (dto.examples !== undefined) type.examples = dto.examples;
    this.checkExamples(type.schema, type.examples);
    type.updatedAt = this.clock.now();
    return this.types.save(type);
  }

  async delete(name: string): Promise<void> {
    await this.get(name);
    await this.types.delete(name);
  }

  /** Examples must satisfy the type's schema (the one being saved with them). */
  private checkExamples(schema: Record<string, unknown> | null, examples: unknown[]): void {
    if (schema === null) return;
    const problems = this.schemas.examplesProblems(schema, examples);
    if (problems.length > 0) {
      throw new ValidationError(
        `examples do not satisfy the schema: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        problems.map((p) => ({ field: 'examples', message: `${p.path} ${p.message}` })),
      );
    }
  }

  private checkSchema(schema: Record<string, unknown> | undefined): void {
    if (schema === undefined) return;
    const problems = this.schemas.schemaProblems(schema);
    if (problems.length > 0) {
      throw new ValidationError(
        `schema is not a valid JSON Schema: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        // details name the field, as every other 422 does (the README's convention).
        problems.map((p) => ({ field: p.path, message: `${p.path} ${p.message}` })),
        'invalid_schema',
      );
    }
  }
}
