import { Inject, Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service';
import { retryScheduleToSeconds } from '../apps/dto/retry-schedule.validator';
import { CLOCK, type Clock } from '../common/clock';
import { SECRET_BOX, SecretBox } from '../common/crypto/secret-box';
import { NotFoundError } from '../common/errors/domain-error';
import { isId, newId } from '../common/ids';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { generateSigningSecret } from '../common/signing-secret';
import { AppRoutingCache } from '../routing/app-routing.cache';
import { MATCH_ALL_EVENT_TYPES } from '../matching';
import { assertValidFilter } from '../subscription-model/subscription-rules';
import {
  CreateEndpointDto,
  EndpointQueryDto,
  EndpointResponseDto,
  UpdateEndpointDto,
} from './dto/endpoint.dto';
import { EndpointEntity } from './endpoint.entity';
import { EndpointPolicy } from './endpoint-policy';
import { authTokenHint } from './endpoint-rules';
import { EndpointPatch, EndpointsRepository } from './endpoints.repository';
import { authTokenContext, secretContext } from './signing-secrets';

const DISABLED_BY_API = 'disabled by API';

@Injectable()
export class EndpointsService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly apps: AppsService,
    private readonly policy: EndpointPolicy,
    private readonly routing: AppRoutingCache,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(appIdOrUid: string, dto: CreateEndpointDto): Promise<EndpointEntity> {
    const app = await this.apps.get(appIdOrUid);
    this.policy.checkUrl(dto.url);
    this.policy.checkHeaders(dto.headers ?? {}, dto.signatureHeader ?? null);
    this.policy.checkDisabledReason(dto.disabled ?? false, dto.disabledReason);
    this.policy.checkBodyShape({
      bodyFormat: dto.bodyFormat ?? 'envelope',
      omitFields: dto.omitFields ?? [],
      eventTypeAliases: dto.eventTypeAliases ?? {},
      eventTypeField: dto.eventTypeField ?? null,
    });
    this.policy.checkAuthTokenScheme(dto.authTokenScheme ?? 'bearer', dto.authToken ?? null, {
      scheme: dto.authTokenScheme !== undefined,
      token: dto.authToken !== undefined,
    });
    assertValidFilter(dto.filter);
    const now = this.clock.now();
    const id = newId('ep', now.getTime());
    const disabled = dto.disabled ?? false;
    const endpoint: EndpointEntity = {
      id,
      appId: app.id,
      url: dto.url,
      description: dto.description ?? '',
      disabled,
      disabledReason: disabled ? (dto.disabledReason ?? DISABLED_BY_API) : null,
      headers: dto.headers ?? {},
      authTokenEnc: this.sealAuthToken(id, dto.authToken ?? null),
      authTokenScheme: dto.authTokenScheme ?? 'bearer',
      rateLimit: dto.rateLimit ?? null,
      retrySchedule: retryScheduleToSeconds(dto.retrySchedule) ?? null,
      signatureHeader: dto.signatureHeader ?? null,
      sendTraceContext: dto.sendTraceContext ?? false,
      ordering: dto.ordering ?? 'none',
      bodyFormat: dto.bodyFormat ?? 'envelope',
      omitFields: dto.omitFields ?? [],
      eventTypeAliases: dto.eventTypeAliases ?? {},
      eventTypeField: dto.eventTypeField ?? null,
      metadata: dto.metadata ?? {},
      secretEnc: this.box.seal(dto.secret ?? generateSigningSecret(), secretContext(id)),
      previousSecretEnc: null,
      previousSecretExpiresAt: null,
      consecutiveFailures: 0,
      failingSince: null,
      circuitOpenUntil: null,
      deletedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.endpoints.insertWithSubscription(endpoint, {
      id: newId('sub', now.getTime()),
      appId: app.id,
      endpointId: id,
      eventTypes: dto.eventTypes ?? [MATCH_ALL_EVENT_TYPES],
      filter: dto.filter ?? null,
      createdAt: now,
      updatedAt: now,
    });
    this.routing.invalidate(app.id);
    return endpoint;
  }

  /** `scope`: only these endpoints (an endpoint-limited portal session); null: all. */
  async list(
    appIdOrUid: string,
    query: EndpointQueryDto,
    scope: readonly string[] | null = null,
  ): Promise<Page<EndpointResponseDto>> {
    const app = await this.apps.get(appIdOrUid);
    const limit = pageLimit(query);
    const rows = await this.endpoints.list(
      app.id,
      limit,
      decodeCursor(query.cursor, (k) => isId('ep', k)),
      query.disabled,
      scope,
    );
    return toPage(
      rows,
      limit,
      (e) => e.id,
      (e) => this.toResponse(e),
    );
  }

  /** Resolves `{appId}/endpoints/{endpointId}` to a live endpoint or answers 404. */
  async get(appIdOrUid: string, endpointId: string): Promise<EndpointEntity> {
    const app = await this.apps.get(appIdOrUid);
    const endpoint = await this.endpoints.find(app.id, endpointId);
    if (!endpoint) throw new NotFoundError('endpoint', endpointId);
    return endpoint;
  }

  async update(
    appIdOrUid: string,
    endpointId: string,
    dto: UpdateEndpointDto,
  ): Promise<EndpointEntity> {
    const app = await this.apps.get(appIdOrUid);
    if (dto.url !== undefined) this.policy.checkUrl(dto.url);
    const updated = await this.endpoints.modify(app.id, endpointId, (current) =>
      this.patchFor(current, dto),
    );
    if (!updated) throw new NotFoundError('endpoint', endpointId);
    this.routing.invalidate(app.id);
    return updated;
  }

  async delete(appIdOrUid: string, endpointId: string): Promise<void> {
    const app = await this.apps.get(appIdOrUid);
    if (!(await this.endpoints.softDelete(app.id, endpointId, this.clock.now())))
      throw new NotFoundError('endpoint', endpointId);
    this.routing.invalidate(app.id);
  }

  /** The one way an endpoint leaves the API: the token only as a hint. */
  toResponse(endpoint: EndpointEntity): EndpointResponseDto {
    const token =
      endpoint.authTokenEnc === null
        ? null
        : this.box.open(endpoint.authTokenEnc, authTokenContext(endpoint.id));
    return EndpointResponseDto.from(endpoint, authTokenHint(token));
  }

  /** Runs inside the row lock, so checks that span fields see the state being written. */
  private patchFor(current: EndpointEntity, dto: UpdateEndpointDto): EndpointPatch {
    const patch: EndpointPatch = { updatedAt: this.clock.now() };
    if (dto.url !== undefined) patch.url = dto.url;
    if (dto.description !== undefined) patch.description = dto.description;
    if (dto.headers !== undefined) patch.headers = dto.headers;
    if (dto.authToken !== undefined || dto.authTokenScheme !== undefined)
      this.checkAuthTokenScheme(current, dto);
    if (dto.authToken !== undefined)
      patch.authTokenEnc = this.sealAuthToken(current.id, dto.authToken);
    if (dto.authTokenScheme !== undefined) patch.authTokenScheme = dto.authTokenScheme;
    if (dto.rateLimit !== undefined) patch.rateLimit = dto.rateLimit;
    if (dto.retrySchedule !== undefined)
      patch.retrySchedule = retryScheduleToSeconds(dto.retrySchedule) ?? null;
    if (dto.signatureHeader !== undefined) patch.signatureHeader = dto.signatureHeader;
    if (dto.sendTraceContext !== undefined) patch.sendTraceContext = dto.sendTraceContext;
    if (dto.metadata !== undefined) patch.metadata = dto.metadata;
    if (dto.ordering !== undefined) patch.ordering = dto.ordering;
    if (dto.bodyFormat !== undefined) patch.bodyFormat = dto.bodyFormat;
    if (dto.omitFields !== undefined) patch.omitFields = dto.omitFields;
    if (dto.eventTypeAliases !== undefined) patch.eventTypeAliases = dto.eventTypeAliases;
    if (dto.eventTypeField !== undefined) patch.eventTypeField = dto.eventTypeField;
    this.policy.checkBodyShape({
      bodyFormat: patch.bodyFormat ?? current.bodyFormat,
      omitFields: patch.omitFields ?? current.omitFields,
      eventTypeAliases: patch.eventTypeAliases ?? current.eventTypeAliases,
      eventTypeField:
        patch.eventTypeField !== undefined ? patch.eventTypeField : current.eventTypeField,
    });
    const disabled = dto.disabled ?? current.disabled;
    this.policy.checkDisabledReason(disabled, dto.disabledReason);
    if (dto.disabled === true || (disabled && dto.disabledReason !== undefined)) {
      patch.disabled = true;
      patch.disabledReason =
        dto.disabledReason ?? (current.disabled ? current.disabledReason : null) ?? DISABLED_BY_API;
    }
    if (dto.disabled === false) {
      patch.disabled = false;
      patch.disabledReason = null;
      // The worker's breaker and auto-disable start afresh: a re-enabled endpoint gets a clean slate.
      if (current.disabled)
        Object.assign(patch, {
          consecutiveFailures: 0,
          failingSince: null,
          circuitOpenUntil: null,
        });
    }
    this.policy.checkHeaders(
      patch.headers ?? current.headers,
      patch.signatureHeader !== undefined ? patch.signatureHeader : current.signatureHeader,
    );
    return patch;
  }

  /** The scheme and token the endpoint will hold after the patch must fit each other. */
  private checkAuthTokenScheme(current: EndpointEntity, dto: UpdateEndpointDto): void {
    const token =
      dto.authToken !== undefined
        ? dto.authToken
        : current.authTokenEnc === null
          ? null
          : this.box.open(current.authTokenEnc, authTokenContext(current.id));
    this.policy.checkAuthTokenScheme(dto.authTokenScheme ?? current.authTokenScheme, token, {
      scheme: dto.authTokenScheme !== undefined,
      token: dto.authToken !== undefined,
    });
  }

  private sealAuthToken(endpointId: string, token: string | null): Buffer | null {
    return token === null ? null : this.box.seal(token, authTokenContext(endpointId));
  }
}
