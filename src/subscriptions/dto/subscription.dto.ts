import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import {
  EVENT_TYPE_NAME_MAX_LENGTH,
  EVENT_TYPE_NAME_PATTERN,
  EVENT_TYPE_NAME_RULE,
} from '../../common/event-type-name';
import { PageResponse } from '../../common/pagination';
import { IsJsonObject } from '../../common/validation/json-object.validator';
import { IsOptionalNotNull } from '../../common/validation/optional-not-null.validator';
import { FILTER_MAX_BYTES, IsEventTypePatterns } from '../../subscription-model/subscription-rules';
import { SubscriptionEntity } from '../../subscription-model/subscription.entity';

const EVENT_TYPES_DOC = {
  type: String,
  isArray: true,
  example: ['invoice.*', 'user.created'],
  description: '"*" (every type), "prefix.*" (every type below prefix) or exact event type names.',
} as const;
const FILTER_DOC = {
  type: 'object',
  additionalProperties: true,
  nullable: true,
  example: { 'customer.plan': 'pro', amount: { $gte: 100 } },
  description:
    'Payload filter: dotted paths to literals or $eq/$ne/$in/$nin/$gt/$gte/$lt/$lte/$exists/$regex; $and/$or/$not.',
} as const;

export class CreateSubscriptionDto {
  @ApiProperty(EVENT_TYPES_DOC)
  @IsEventTypePatterns()
  eventTypes!: string[];

  @ApiPropertyOptional(FILTER_DOC)
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsJsonObject(FILTER_MAX_BYTES)
  filter?: Record<string, unknown> | null;
}

export class UpdateSubscriptionDto {
  @ApiPropertyOptional(EVENT_TYPES_DOC)
  @IsOptionalNotNull()
  @IsEventTypePatterns()
  eventTypes?: string[];

  @ApiPropertyOptional({ ...FILTER_DOC, description: `${FILTER_DOC.description} null removes it.` })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsJsonObject(FILTER_MAX_BYTES)
  filter?: Record<string, unknown> | null;
}

export class SubscriptionResponseDto {
  @ApiProperty({ example: 'sub_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty() endpointId!: string;
  @ApiProperty(EVENT_TYPES_DOC) eventTypes!: string[];
  @ApiProperty(FILTER_DOC) filter!: Record<string, unknown> | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(entity: SubscriptionEntity): SubscriptionResponseDto {
    return {
      id: entity.id,
      endpointId: entity.endpointId,
      eventTypes: entity.eventTypes,
      filter: entity.filter,
      createdAt: entity.createdAt.toISOString(),
      updatedAt: entity.updatedAt.toISOString(),
    };
  }
}

export class SubscriptionPageDto extends PageResponse(
  SubscriptionResponseDto,
  'SubscriptionPage',
) {}

export class RoutingTestDto {
  @ApiProperty({ example: 'invoice.paid', description: EVENT_TYPE_NAME_RULE })
  @IsString()
  @MaxLength(EVENT_TYPE_NAME_MAX_LENGTH)
  @Matches(EVENT_TYPE_NAME_PATTERN, { message: `eventType must be ${EVENT_TYPE_NAME_RULE}` })
  eventType!: string;

  @ApiProperty({
    description: 'The payload a message would carry (any JSON value).',
    example: { amount: 120 },
  })
  @IsDefined()
  payload!: unknown;
}

export class RoutedEndpointDto {
  @ApiProperty() endpointId!: string;
  @ApiProperty({
    type: String,
    isArray: true,
    description: 'Every subscription of the endpoint that matches.',
  })
  subscriptionIds!: string[];
}

export class RoutingTestResultDto {
  @ApiProperty() eventType!: string;
  @ApiProperty({
    type: RoutedEndpointDto,
    isArray: true,
    description: 'Enabled endpoints that would receive the message.',
  })
  endpoints!: RoutedEndpointDto[];
}
