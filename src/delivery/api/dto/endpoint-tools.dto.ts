import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  EVENT_TYPE_NAME_MAX_LENGTH,
  EVENT_TYPE_NAME_PATTERN,
  EVENT_TYPE_NAME_RULE,
} from '../../../common/event-type-name';
import { IsJsonObject } from '../../../common/validation/json-object.validator';
import { IsOptionalNotNull } from '../../../common/validation/optional-not-null.validator';

const TEST_PAYLOAD_MAX_BYTES = 256 * 1024;

export class TestEventDto {
  @ApiProperty({ example: 'user.subscription.renewed', description: EVENT_TYPE_NAME_RULE })
  @IsString()
  @MaxLength(EVENT_TYPE_NAME_MAX_LENGTH)
  @Matches(EVENT_TYPE_NAME_PATTERN, { message: `eventType must be ${EVENT_TYPE_NAME_RULE}` })
  eventType!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      "The payload to send; default: the event type's first example (422 naming `payload` when it has none).",
  })
  @IsOptionalNotNull()
  @IsJsonObject(TEST_PAYLOAD_MAX_BYTES)
  payload?: Record<string, unknown>;
}

export class TestOutcomeDto {
  @ApiProperty() succeeded!: boolean;
  @ApiProperty({ type: Number, nullable: true }) statusCode!: number | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'blocked',
    description:
      'Why the attempt failed (timeout, connect, tls, blocked, status, …); null on success.',
  })
  errorClass!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The start of the response body.' })
  responseBody!: string | null;
}

export class TestEventAcceptedDto {
  @ApiProperty({ example: 'msg_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) messageId!: string;
  @ApiProperty({ example: 'dlv_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) deliveryId!: string;
}

export class TestEventResultDto extends TestEventAcceptedDto {
  @ApiProperty({ type: TestOutcomeDto }) outcome!: TestOutcomeDto;
}

export class ReplayDto {
  @ApiProperty({
    example: '2030-01-01T00:00:00Z',
    description: 'Messages created at or after this time (ISO 8601).',
  })
  @IsISO8601({ strict: true })
  since!: string;

  @ApiPropertyOptional({
    example: '2030-01-02T00:00:00Z',
    description: 'Messages created before this time; default now.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ default: false, description: 'Count only; create nothing.' })
  @IsOptionalNotNull()
  @IsBoolean()
  dryRun?: boolean;
}

export class ReplayResultDto {
  @ApiProperty({ description: 'Deliveries created (or, with dryRun, that would be) by this call.' })
  count!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Work is bounded per call: when set, call again with this as `since` (same `until`) to continue; null when the window is done.',
  })
  nextSince!: string | null;
  @ApiProperty({ description: 'Messages of the window this call looked at.' }) scanned!: number;
  @ApiProperty() dryRun!: boolean;
}
