import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
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
import {
  BODY_FORMATS,
  type BodyFormat,
  eventTypeAliasesProblems,
  eventTypeFieldProblem,
  omitFieldsProblems,
} from '../../common/body-shape';
import { PageQueryDto, PageResponse } from '../../common/pagination';
import { signingSecretProblem } from '../../common/signing-secret';
import { IsJsonObject } from '../../common/validation/json-object.validator';
import { IsOptionalNotNull } from '../../common/validation/optional-not-null.validator';
import { FILTER_MAX_BYTES, IsEventTypePatterns } from '../../subscription-model/subscription-rules';
import {
  AUTH_TOKEN_SCHEMES,
  type AuthTokenScheme,
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
const secretRule = stringRule(signingSecretProblem);
const SECRET_DOC =
  'Your own signing secret; generated (whsec_) when absent. Either "whsec_" + base64 of 24–64 bytes, or a plain shared secret of 16–256 printable ASCII characters (the hex signatureHeader is keyed with its bytes; so is webhook-signature: verify it with `new Webhook(secret, { format: "raw" })`).';

const omitFieldsRule = (value: unknown): string | null =>
  omitFieldsProblems(value).join('; ') || null;
const aliasesRule = (value: unknown): string | null =>
  eventTypeAliasesProblems(value).join('; ') || null;

const BODY_FORMAT_DOC = {
  enum: BODY_FORMATS,
  default: 'envelope',
  description:
    '"envelope": the Standard Webhooks body `{id,type,timestamp,data}`; "payload": the body is the message payload itself, exactly as the producer sent it (after omitFields/eventTypeField). Both are signed over the body sent.',
} as const;
const OMIT_FIELDS_DOC: ApiPropertyOptions = {
  type: [String],
  example: ['attributions', 'user_attributes', 'event_properties.store'],
  description:
    'Dotted paths of payload object members removed before sending (paths do not index arrays); at most 64. Everything else keeps its exact source text.',
};
const ALIASES_DOC = {
  type: 'object',
  additionalProperties: { type: 'string' },
  example: { 'user.subscription.renewed': 'subscription_renewed' },
  description:
    "Our event type name → the name this endpoint receives: the envelope's `type`, or in payload mode the member named by eventTypeField.",
} as const;
const EVENT_TYPE_FIELD_DOC = {
  type: String,
  nullable: true,
  example: 'event_type',
  description:
    'payload mode only: the top-level payload member overwritten (or added first) with the event type name (aliased when an alias applies).',
} as const;

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

const AUTH_TOKEN_SCHEME_DOC = {
  enum: AUTH_TOKEN_SCHEMES,
  default: 'bearer',
  description:
    'How authToken is sent. "bearer": `Authorization: Bearer <authToken>`; "raw": `Authorization: <authToken>`, the token verbatim as the whole value (for receivers that check an exact value such as `Basic …` or a bare key). "raw" needs an authToken.',
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
    description:
      'Sent in the Authorization header as authTokenScheme says (default `Bearer <token>`); encrypted at rest, never returned. Printable ASCII; spaces only inside, and only with "raw". null removes it.',
  })
  @nullable
  @IsOptional()
  @Satisfies('isAuthToken', stringRule(authTokenProblem))
  authToken?: string | null;

  @ApiPropertyOptional(AUTH_TOKEN_SCHEME_DOC)
  @IsOptionalNotNull()
  @IsIn(AUTH_TOKEN_SCHEMES)
  authTokenScheme?: AuthTokenScheme;

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
  @ApiPropertyOptional(BODY_FORMAT_DOC)
  @IsOptionalNotNull()
  @IsIn(BODY_FORMATS)
  bodyFormat?: BodyFormat;

  @ApiPropertyOptional(OMIT_FIELDS_DOC)
  @IsOptionalNotNull()
  @Satisfies('isOmitFields', omitFieldsRule)
  omitFields?: string[];

  @ApiPropertyOptional(ALIASES_DOC)
  @IsOptionalNotNull()
  @Satisfies('isEventTypeAliases', aliasesRule)
  eventTypeAliases?: Record<string, string>;

  @ApiPropertyOptional(EVENT_TYPE_FIELD_DOC)
  @nullable
  @IsOptional()
  @Satisfies('isEventTypeField', stringRule(eventTypeFieldProblem))
  eventTypeField?: string | null;
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
    description: SECRET_DOC,
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
  @ApiProperty(AUTH_TOKEN_SCHEME_DOC) authTokenScheme!: AuthTokenScheme;
  @ApiProperty({ type: Number, nullable: true }) rateLimit!: number | null;
  @ApiProperty(RETRY_SCHEDULE_DOC) retrySchedule!: string[] | null;
  @ApiProperty({ type: String, nullable: true }) signatureHeader!: string | null;
  @ApiProperty({ description: 'A `traceparent` header is sent with each delivery attempt.' })
  sendTraceContext!: boolean;
  @ApiProperty(ORDERING_DOC) ordering!: EndpointOrdering;
  @ApiProperty(BODY_FORMAT_DOC) bodyFormat!: BodyFormat;
  @ApiProperty(OMIT_FIELDS_DOC) omitFields!: string[];
  @ApiProperty(ALIASES_DOC) eventTypeAliases!: Record<string, string>;
  @ApiProperty(EVENT_TYPE_FIELD_DOC) eventTypeField!: string | null;
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
      authTokenScheme: entity.authTokenScheme,
      rateLimit: entity.rateLimit,
      retrySchedule: retryScheduleToApi(entity.retrySchedule),
      signatureHeader: entity.signatureHeader,
      sendTraceContext: entity.sendTraceContext,
      ordering: entity.ordering,
      bodyFormat: entity.bodyFormat,
      omitFields: entity.omitFields,
      eventTypeAliases: entity.eventTypeAliases,
      eventTypeField: entity.eventTypeField,
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
  @ApiPropertyOptional({ description: `The new secret; generated when absent. ${SECRET_DOC}` })
  @IsOptionalNotNull()
  @Satisfies('isSigningSecret', secretRule)
  secret?: string;

  @ApiPropertyOptional({ description: 'Older name of `secret` (give one of them).' })
  @IsOptionalNotNull()
  @Satisfies('isSigningSecret', secretRule)
  key?: string;
}

export class SigningSecretDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) key!: string;
}
