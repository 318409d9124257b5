import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { EventTypeEntity } from './event-type.entity';

@Injectable()
export class EventTypesRepository {
  constructor(
    @InjectRepository(EventTypeEntity) private readonly types: Repository<EventTypeEntity>,
  ) {}

  find(name: string): Promise<EventTypeEntity | null> {
    return this.types.findOne({ where: { name } });
  }

  /** Several names in one round trip (batch ingestion). */
  findMany(names: string[]): Promise<EventTypeEntity[]> {
    return this.types.createQueryBuilder('t').where('t.name = ANY(:names)', { names }).getMany();
  }

  list(
    limit: number,
    after: string | undefined,
    archived: boolean | undefined,
  ): Promise<EventTypeEntity[]> {
    const query = this.types
      .createQueryBuilder('t')
      .orderBy('t.name', 'ASC')
      .limit(limit + 1);
    if (after !== undefined) query.andWhere('t.name > :after', { after });
    if (archived !== undefined) query.andWhere('t.archived = :archived', { archived });
    return query.getMany();
  }

  /** A real INSERT: save() would silently update a row with the same key. */
  async insert(type: EventTypeEntity): Promise<EventTypeEntity> {
    // jsonb columns typed as objects do not fit TypeORM's deep-partial insert type.
    await this.types.insert(type as QueryDeepPartialEntity<EventTypeEntity>);
    return type;
  }

  save(type: EventTypeEntity): Promise<EventTypeEntity> {
    return this.types.save(type);
  }

  async delete(name: string): Promise<void> {
    await this.types.delete({ name });
  }
}
