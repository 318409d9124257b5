import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  IsRetrySchedule,
  RETRY_SCHEDULE_DOC,
  retryScheduleToApi,
} from '../../apps/dto/retry-schedule.validator';
import { PageQueryDto, PageResponse } from '../../common/pagination';
import { isValidSigningSecret } from '../../common/signing-secret';
import { IsJsonObject } from '../../common/validation/json-object.validator';
import { IsOptionalNotNull } from '../../common/validation/optional-not-null.validator';
import { FILTER_MAX_BYTES, IsEventTypePatterns } from '../../subscriptions/subscription-rules';
import {
  authTokenProblem,
  endpointUrlProblem,
  headersProblems,
  signatureHeaderProblem,
} from '../endpoint-rules';
import { ENDPOINT_ORDERINGS, EndpointEntity, type EndpointOrdering } from '../endpoint.entity';
import { Satisfies, stringRule } from './rule.validator';

const METADATA_MAX_BYTES = 4096;
const RATE_LIMIT_MAX = 100_000;
const nullable = ValidateIf((_o, v) => v !== null);
const headersRule = (value: unknown): string | null => headersProblems(value).join('; ') || null;
const secretRule = stringRule((v) =>
  isValidSigningSecret(v) ? null : 'must be "whsec_" followed by the base64 of 24 to 64 bytes',
);

const ORDERING_DOC = {
  enum: ENDPOINT_ORDERINGS,
  default: 'none',
  description:
    '`none`: deliveries are sent concurrently (up to ENDPOINT_MAX_IN_FLIGHT) and retries reorder them. ' +
    '`fifo`: deliveries of messages with the same `orderingKey` are sent one at a time, in the order the messages were accepted; ' +
    'the next is sent only after the previous one succeeded or finally failed (its retries exhausted: recorded `failed`, ' +
    '`message.attempt.exhausted` emitted). Messages without a key form one stream. Different keys proceed in parallel. ' +
    'A change applies to deliveries created after it; those already queued keep the mode they were created with.',
} as const;

const HEADERS_DOC = {
  type: 'object',
  additionalProperties: { type: 'string' },
  example: { 'x-tenant': 'acme' },
  description:
    'Extra request headers (at most 20; hop-by-hop, framing, authorization, user-agent and signature headers are refused).',
} as const;

/** Fields PATCH may change; create adds the rest. null only where it removes a value. */
class EndpointFieldsDto {
  @ApiPropertyOptional({ maxLength: 1024 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @ApiPropertyOptional({
    description: 'A disabled endpoint receives nothing. Re-enabling resets its failure state.',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 256,
    description: 'Only with disabled: true; defaults to "disabled by API".',
  })
  @nullable
  @IsOptional()
  @IsString()
  @MaxLength(256)
  disabledReason?: string | null;

  @ApiPropertyOptional(HEADERS_DOC)
  @IsOptionalNotNull()
  @Satisfies('isHeaderMap', headersRule)
  headers?: Record<string, string>;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 1024,
    description: 'Sent as `Authorization: Bearer <token>`; never returned. null removes it.',
  })
  @nullable
  @IsOptional()
  @Satisfies('isAuthToken', stringRule(authTokenProblem))
  authToken?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: RATE_LIMIT_MAX,
    description: 'Max deliveries per second; null: unlimited.',
  })
  @nullable
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(RATE_LIMIT_MAX)
  rateLimit?: number | null;

  @ApiPropertyOptional(RETRY_SCHEDULE_DOC)
  @nullable
  @IsOptional()
  @IsRetrySchedule()
  retrySchedule?: string[] | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'nami-signature',
    description:
      'Also send the signature in this header (for receivers that expect their own name).',
  })
  @nullable
  @IsOptional()
  @Satisfies('isSignatureHeader', stringRule(signatureHeaderProblem))
  signatureHeader?: string | null;

  @ApiPropertyOptional({
    default: false,
    description:
      "Send a W3C `traceparent` header (the delivery attempt's span, when tracing is on) so the receiver can join the trace. Off by default: trace ids are not handed to third parties unasked. Not part of the signed content.",
  })
  @IsOptionalNotNull()
  @IsBoolean()
  sendTraceContext?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptionalNotNull()
  @IsJsonObject(METADATA_MAX_BYTES)
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional(ORDERING_DOC)
  @IsOptionalNotNull()
  @IsIn(ENDPOINT_ORDERINGS)
  ordering?: EndpointOrdering;
}

export class UpdateEndpointDto extends EndpointFieldsDto {
  @ApiPropertyOptional({
    example: 'https://example.com/webhooks',
    maxLength: 2048,
    description: 'http or https, no credentials.',
  })
  @IsOptionalNotNull()
  @Satisfies('isEndpointUrl', stringRule(endpointUrlProblem))
  url?: string;
}

export class CreateEndpointDto extends EndpointFieldsDto {
  @ApiProperty({
    example: 'https://example.com/webhooks',
    maxLength: 2048,
    description: 'http or https, no credentials.',
  })
  @Satisfies('isEndpointUrl', stringRule(endpointUrlProblem))
  url!: string;

  @ApiPropertyOptional({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'Your own signing secret; generated when absent.',
  })
  @IsOptional()
  @Satisfies('isSigningSecret', secretRule)
  secret?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['invoice.*', 'user.created'],
    description:
      'The first subscription\'s event type patterns; default ["*"]. Required with filter.',
  })
  // A filter without eventTypes used to apply to "*" silently; the filter's doc says it needs them.
  @ValidateIf((o: CreateEndpointDto) => o.eventTypes != null || o.filter !== undefined)
  @IsEventTypePatterns()
  @IsDefined({ message: 'eventTypes is required when filter is given' })
  eventTypes?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { 'customer.plan': 'pro' },
    description: 'Payload filter of the first subscription (needs eventTypes).',
  })
  @IsOptional()
  @IsJsonObject(FILTER_MAX_BYTES)
  filter?: Record<string, unknown>;
}

export class EndpointQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only disabled (true) or only enabled (false) endpoints.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  disabled?: boolean;
}

export class EndpointHealthDto {
  @ApiProperty({ description: 'Failed attempts since the last success.' })
  consecutiveFailures!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'While set, the circuit is open (or its single probe is under way) and deliveries are held.',
  })
  circuitOpenUntil!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'First failure of the current streak; the endpoint is disabled once this is ENDPOINT_DISABLE_AFTER old.',
  })
  failingSince!: string | null;
}

export class EndpointResponseDto {
  @ApiProperty({ example: 'ep_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty() appId!: string;
  @ApiProperty() url!: string;
  @ApiProperty() description!: string;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ type: String, nullable: true }) disabledReason!: string | null;
  @ApiProperty(HEADERS_DOC) headers!: Record<string, string>;
  @ApiProperty() hasAuthToken!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '…a1b2',
    description: 'Last 4 characters of a long token.',
  })
  authTokenHint!: string | null;
  @ApiProperty({ type: Number, nullable: true }) rateLimit!: number | null;
  @ApiProperty(RETRY_SCHEDULE_DOC) retrySchedule!: string[] | null;
  @ApiProperty({ type: String, nullable: true }) signatureHeader!: string | null;
  @ApiProperty({ description: 'A `traceparent` header is sent with each delivery attempt.' })
  sendTraceContext!: boolean;
  @ApiProperty(ORDERING_DOC) ordering!: EndpointOrdering;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({
    type: EndpointHealthDto,
    description: 'Read-only delivery health (circuit breaker, auto-disable).',
  })
  health!: EndpointHealthDto;

  static from(entity: EndpointEntity, authTokenHint: string | null): EndpointResponseDto {
    return {
      id: entity.id,
      appId: entity.appId,
      url: entity.url,
      description: entity.description,
      disabled: entity.disabled,
      disabledReason: entity.disabledReason,
      headers: entity.headers,
      hasAuthToken: entity.authTokenEnc !== null,
      authTokenHint,
      rateLimit: entity.rateLimit,
      retrySchedule: retryScheduleToApi(entity.retrySchedule),
      signatureHeader: entity.signatureHeader,
      sendTraceContext: entity.sendTraceContext,
      ordering: entity.ordering,
      metadata: entity.metadata,
      createdAt: entity.createdAt.toISOString(),
      updatedAt: entity.updatedAt.toISOString(),
      health: {
        consecutiveFailures: entity.consecutiveFailures,
        circuitOpenUntil: entity.circuitOpenUntil?.toISOString() ?? null,
        failingSince: entity.failingSince?.toISOString() ?? null,
      },
    };
  }
}

export class EndpointPageDto extends PageResponse(EndpointResponseDto, 'EndpointPage') {}

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'The new secret; generated when absent (null is refused).' })
  @IsOptionalNotNull()
  @Satisfies('isSigningSecret', secretRule)
  key?: string;
}

export class SigningSecretDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) key!: string;
}
