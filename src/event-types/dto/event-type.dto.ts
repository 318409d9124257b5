import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import {
  EVENT_TYPE_NAME_MAX_LENGTH,
  EVENT_TYPE_NAME_PATTERN,
  EVENT_TYPE_NAME_RULE,
} from '../../common/event-type-name';
import { PageQueryDto, PageResponse } from '../../common/pagination';
import { IsJsonObject } from '../../common/validation/json-object.validator';
import { IsOptionalNotNull } from '../../common/validation/optional-not-null.validator';
import { EventTypeEntity } from '../event-type.entity';

const SCHEMA_MAX_BYTES = 64 * 1024;
const EXAMPLES_MAX = 10;
const EXAMPLES_DOC = {
  type: 'array',
  items: { type: 'object', additionalProperties: true },
  maxItems: EXAMPLES_MAX,
  example: [{ userId: '42', plan: 'pro' }],
  description:
    'Example payloads (objects), validated against the schema when there is one; POST …/endpoints/{id}/test sends the first when no payload is given.',
} as const;

export class CreateEventTypeDto {
  @ApiProperty({ example: 'user.subscription.purchased', description: EVENT_TYPE_NAME_RULE })
  @IsString()
  @MaxLength(EVENT_TYPE_NAME_MAX_LENGTH)
  @Matches(EVENT_TYPE_NAME_PATTERN, { message: `name must be ${EVENT_TYPE_NAME_RULE}` })
  name!: string;

  @ApiPropertyOptional({ example: 'A customer bought a subscription' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema that payloads of this type must satisfy.',
  })
  @IsOptional()
  @IsJsonObject(SCHEMA_MAX_BYTES)
  schema?: Record<string, unknown>;

  @ApiPropertyOptional({ default: false })
  @IsOptionalNotNull()
  @IsBoolean()
  archived?: boolean;

  @ApiPropertyOptional(EXAMPLES_DOC)
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(EXAMPLES_MAX)
  @IsObject({ each: true, message: 'examples must hold only JSON objects' })
  examples?: Record<string, unknown>[];
}

export class UpdateEventTypeDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'null removes the schema.',
  })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsJsonObject(SCHEMA_MAX_BYTES)
  schema?: Record<string, unknown> | null;

  @ApiPropertyOptional({ description: 'Archived types refuse new messages.' })
  @IsOptionalNotNull()
  @IsBoolean()
  archived?: boolean;

  @ApiPropertyOptional(EXAMPLES_DOC)
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(EXAMPLES_MAX)
  @IsObject({ each: true, message: 'examples must hold only JSON objects' })
  examples?: Record<string, unknown>[];
}

export class EventTypeQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only archived (true) or only active (false) types.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  archived?: boolean;
}

export class EventTypeResponseDto {
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) schema!: Record<
    string,
    unknown
  > | null;
  @ApiProperty() archived!: boolean;
  @ApiProperty(EXAMPLES_DOC) examples!: Record<string, unknown>[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(entity: EventTypeEntity): EventTypeResponseDto {
    return {
      name: entity.name,
      description: entity.description,
      schema: entity.schema,
      archived: entity.archived,
      examples: entity.examples,
      createdAt: entity.createdAt.toISOString(),
      updatedAt: entity.updatedAt.toISOString(),
    };
  }
}

export class EventTypePageDto extends PageResponse(EventTypeResponseDto, 'EventTypePage') {}
