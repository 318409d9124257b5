import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsISO8601,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  registerDecorator,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { validateEventTypePattern } from '../../matching';
import { EVENT_ID_MAX_LENGTH } from '../message-input';

function IsEventTypePattern(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEventTypePattern',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an event type, "prefix.*" or "*"' },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && validateEventTypePattern(value) === null,
      },
    });
}

/** `GET /apps/{appId}/messages`: newest first, keyset-paginated by id. */
export class MessageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 'invoice.*',
    description: 'An event type, "prefix.*" (every type below prefix) or "*".',
  })
  @IsOptional()
  @IsEventTypePattern()
  eventType?: string;

  @ApiPropertyOptional({
    example: '2030-01-01T00:00:00Z',
    description: 'Only messages created strictly before this ISO 8601 time.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  before?: string;

  @ApiPropertyOptional({
    example: '2030-01-01T00:00:00Z',
    description: 'Only messages created strictly after this ISO 8601 time.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  after?: string;

  @ApiPropertyOptional({ description: 'Only the message with this eventId (idempotency key).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(EVENT_ID_MAX_LENGTH)
  eventId?: string;

  @ApiPropertyOptional({ default: false, description: "Include each message's payload." })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  withPayload?: boolean;
}
