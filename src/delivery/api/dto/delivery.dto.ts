import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { PageQueryDto, PageResponse } from '../../../common/pagination';
import type { AttemptRecordRow, DeliveryRecordRow } from '../../../queue/queue-reads.repository';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const ORDERING_KEY_DOC = {
  type: String,
  nullable: true,
  description: "The message's orderingKey (null when it had none).",
} as const;

export class DeliveryResponseDto {
  @ApiProperty({ example: 'dlv_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty() endpointId!: string;
  @ApiProperty({ enum: ['pending', 'delivering', 'succeeded', 'failed', 'cancelled'] })
  status!: string;
  @ApiProperty({ description: 'Attempts made so far.' }) attempts!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'When it is attempted next. null once finished, and while `pending` for a disabled endpoint: parked until the endpoint is re-enabled, which makes it due at once.',
  })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastAttemptAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty(ORDERING_KEY_DOC) orderingKey!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(row: DeliveryRecordRow): DeliveryResponseDto {
    return {
      id: row.id,
      messageId: row.message_id,
      endpointId: row.endpoint_id,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: iso(row.next_attempt_at),
      lastAttemptAt: iso(row.last_attempt_at),
      lastStatusCode: row.last_status_code,
      lastError: row.last_error,
      orderingKey: row.ordering_key,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }
}

export class AttemptResponseDto {
  @ApiProperty({ example: 'atmpt_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty() deliveryId!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty() endpointId!: string;
  @ApiProperty({ description: '1-based attempt number of the delivery.' }) attempt!: number;
  @ApiProperty() succeeded!: boolean;
  @ApiProperty({ type: Number, nullable: true }) statusCode!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'timeout' }) errorClass!: string | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'First 4 KiB of the response body.' })
  responseBody!: string | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty(ORDERING_KEY_DOC) orderingKey!: string | null;
  @ApiProperty() createdAt!: string;

  static from(row: AttemptRecordRow): AttemptResponseDto {
    return {
      id: row.id,
      deliveryId: row.delivery_id,
      messageId: row.message_id,
      endpointId: row.endpoint_id,
      attempt: row.attempt,
      succeeded: row.succeeded,
      statusCode: row.status_code,
      errorClass: row.error_class,
      error: row.error,
      responseBody: row.response_body,
      durationMs: row.duration_ms,
      orderingKey: row.ordering_key,
      createdAt: row.created_at.toISOString(),
    };
  }
}

export class AttemptPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['succeeded', 'failed'],
    description: 'Only attempts with this outcome.',
  })
  @IsOptional()
  @IsIn(['succeeded', 'failed'])
  status?: 'succeeded' | 'failed';
}

export class RecoverDto {
  @ApiProperty({
    example: '2030-01-01T00:00:00Z',
    description: 'Re-queue failed deliveries created at or after this time (ISO 8601).',
  })
  @IsISO8601({ strict: true })
  since!: string;
}

export class RecoverResponseDto {
  @ApiProperty({ description: 'Failed deliveries put back in the queue.' }) requeued!: number;
}

export class DeliveryPageDto extends PageResponse(DeliveryResponseDto, 'DeliveryPage') {}
export class AttemptPageDto extends PageResponse(AttemptResponseDto, 'AttemptPage') {}
