import { RawJson, storedJsonValue } from '../../common/raw-json';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPE_NAME_MAX_LENGTH, EVENT_TYPE_NAME_RULE } from '../../common/event-type-name';
import { PageResponse } from '../../common/pagination';
import { EVENT_ID_MAX_LENGTH, MAX_BATCH_MESSAGES, ORDERING_KEY_MAX_LENGTH } from '../message-input';
import type { DeliveryStatusRow } from '../../queue/queue-reads.repository';
import type { StoredMessage } from '../messages.repository';

/*
 * Request shapes are documented here for OpenAPI; they are validated by MessageInputParser
 * (hand-written for speed on the ingest path), which enforces exactly these rules.
 */

const ORDERING_KEY_DOC =
  'For endpoints with `ordering: "fifo"`: their deliveries of messages with the same key are sent one at a time, ' +
  'in the order the messages were accepted (a message whose 202/200 you received before posting the next is ahead of it; ' +
  'messages posted concurrently, or in one batch, are ordered as PostgreSQL committed them, a batch in its array order). ' +
  'Messages without a key form one stream per FIFO endpoint. Ignored by endpoints with `ordering: "none"`. ' +
  'No control characters; null means none.';

export class CreateMessageDto {
  @ApiProperty({
    example: 'invoice.paid',
    maxLength: EVENT_TYPE_NAME_MAX_LENGTH,
    description: EVENT_TYPE_NAME_RULE,
  })
  eventType!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { invoiceId: 'in_123', amount: 4200 },
    description:
      'Any JSON object, delivered as the exact JSON text sent here (numbers, spacing and escapes kept), ' +
      'at most MAX_PAYLOAD_BYTES (default 256 KiB) of it (413 above). ' +
      "Validated against the event type's schema when the catalog has one (422 naming the path).",
  })
  payload!: Record<string, unknown>;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: EVENT_ID_MAX_LENGTH,
    example: 'evt-2024-0001',
    description:
      'Idempotency key, unique per app: a repeat answers 200 with the original message and creates nothing ' +
      '(its own payload is ignored). No control characters; null means none. ' +
      'The Idempotency-Key header may carry it instead (single messages only).',
  })
  eventId?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: ORDERING_KEY_MAX_LENGTH,
    example: 'user_42',
    description: ORDERING_KEY_DOC,
  })
  orderingKey?: string;
}

export class CreateMessageBatchDto {
  @ApiProperty({ type: CreateMessageDto, isArray: true, minItems: 1, maxItems: MAX_BATCH_MESSAGES })
  messages!: CreateMessageDto[];
}

export class MessageAcceptedDto {
  @ApiProperty({ example: 'msg_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ type: String, nullable: true }) eventId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The ordering key given, else null.' })
  orderingKey!: string | null;
  @ApiProperty({ example: '2030-01-01T00:00:00.000Z' }) createdAt!: string;

  static from(message: StoredMessage): MessageAcceptedDto {
    return {
      id: message.id,
      eventType: message.eventType,
      eventId: message.eventId,
      orderingKey: message.orderingKey,
      createdAt: message.createdAt.toISOString(),
    };
  }
}

export class BatchItemAcceptedDto extends MessageAcceptedDto {
  @ApiProperty({
    description:
      'true when the eventId was already stored, or repeats an earlier item of this batch: ' +
      'the answer then carries the original message and nothing new was created.',
  })
  duplicate!: boolean;
}

export class MessageBatchAcceptedDto {
  @ApiProperty({
    type: BatchItemAcceptedDto,
    isArray: true,
    description: 'One entry per submitted message, in order.',
  })
  data!: BatchItemAcceptedDto[];
}

export class MessageResponseDto extends MessageAcceptedDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Only with ?withPayload=true.',
  })
  payload?: Record<string, unknown> | RawJson;

  @ApiProperty({
    description:
      'A test event sent with POST …/endpoints/{endpointId}/test: delivered to that endpoint only.',
  })
  test!: boolean;

  static withPayload(message: StoredMessage, include: boolean): MessageResponseDto {
    const out: MessageResponseDto = {
      ...MessageAcceptedDto.from(message),
      test: message.test ?? false,
    };
    if (include && message.payloadText !== undefined)
      out.payload = storedJsonValue(message.payloadText);
    return out;
  }
}

export class MessagePageDto extends PageResponse(MessageResponseDto, 'MessagePage') {}

export class DeliveryStatusDto {
  @ApiProperty({ example: 'dlv_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty({ example: 'ep_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) endpointId!: string;
  @ApiProperty({ enum: ['pending', 'delivering', 'succeeded', 'failed', 'cancelled'] })
  status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty() updatedAt!: string;

  static from(row: DeliveryStatusRow): DeliveryStatusDto {
    return {
      id: row.id,
      endpointId: row.endpointId,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
      lastStatusCode: row.lastStatusCode,
      lastError: row.lastError,
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

export class MessageDetailDto extends MessageAcceptedDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The payload as stored (and delivered).',
  })
  payload!: Record<string, unknown> | RawJson;

  @ApiProperty({
    type: DeliveryStatusDto,
    isArray: true,
    description: 'One per endpoint the message was routed to.',
  })
  deliveries!: DeliveryStatusDto[];

  @ApiProperty({
    description:
      'A test event sent with POST …/endpoints/{endpointId}/test: delivered to that endpoint only.',
  })
  test!: boolean;

  static fromParts(message: StoredMessage, deliveries: DeliveryStatusRow[]): MessageDetailDto {
    return {
      ...MessageAcceptedDto.from(message),
      payload: storedJsonValue(message.payloadText ?? '{}'),
      deliveries: deliveries.map(DeliveryStatusDto.from),
      test: message.test ?? false,
    };
  }
}
