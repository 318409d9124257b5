import { Inject, Injectable } from '@nestjs/common';
import { AppsService } from '../../apps/apps.service';
import { CLOCK, type Clock } from '../../common/clock';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { newId } from '../../common/ids';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { PORTAL_DEFAULT_CAPABILITIES } from '../../common/auth/capabilities';
import type { Credential } from '../credentials/credential';
import { CredentialResolver } from '../credentials/credential-resolver';
import { PortalSessionInfoDto } from './portal-session-info.dto';
import { publicBaseUrl } from './public-url';
import {
  CreatePortalSessionDto,
  PORTAL_SESSION_DEFAULT_TTL_SECONDS,
  PortalSessionResponseDto,
} from './portal-session.dto';
import { PortalSessionsRepository } from './portal-sessions.repository';

@Injectable()
export class PortalSessionsService {
  constructor(
    private readonly apps: AppsService,
    private readonly sessions: PortalSessionsRepository,
    private readonly credentials: CredentialResolver,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(appIdOrUid: string, dto: CreatePortalSessionDto): Promise<PortalSessionResponseDto> {
    const app = await this.apps.get(appIdOrUid);
    const endpointIds = dto.endpointIds ?? null;
    if (endpointIds !== null) await this.checkEndpoints(app.id, endpointIds);
    const now = this.clock.now();
    const ttl = dto.ttlSeconds ?? PORTAL_SESSION_DEFAULT_TTL_SECONDS;
    // Whole seconds: the token's `exp` has no finer grain, and the row must agree with it.
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + ttl) * 1000);
    const id = newId('ps', now.getTime());
    await this.sessions.insert({
      id,
      app_id: app.id,
      capabilities: [...(dto.capabilities ?? PORTAL_DEFAULT_CAPABILITIES)],
      endpoint_ids: endpointIds,
      created_at: now,
      expires_at: expiresAt,
    });
    const token = await this.credentials.portalTokens.sign(
      { sessionId: id, appId: app.id },
      now,
      expiresAt,
    );
    return {
      id,
      token,
      url: `${publicBaseUrl(this.config)}/portal#token=${token}`,
      expiresAt: expiresAt.toISOString(),
    };
  }

  async revoke(appIdOrUid: string, id: string): Promise<void> {
    const app = await this.apps.get(appIdOrUid);
    if (!(await this.sessions.revoke(app.id, id, this.clock.now())))
      throw new NotFoundError('portal session', id);
  }

  /** Only a portal session reaches this (the route is @PortalSessionOnly). */
  async info(credential: Credential): Promise<PortalSessionInfoDto> {
    const session =
      credential.kind === 'portal-session' ? await this.sessions.find(credential.id) : null;
    if (session === null) throw new NotFoundError('portal session', '');
    const app = await this.apps.get(session.app_id);
    return {
      sessionId: session.id,
      app: {
        id: app.id,
        name: app.portal.displayName ?? app.name,
        primaryColor: app.portal.primaryColor ?? null,
        logoUrl: app.portal.logoUrl ?? null,
      },
      capabilities: session.capabilities,
      endpointIds: session.endpoint_ids,
      expiresAt: session.expires_at.toISOString(),
    };
  }

  private async checkEndpoints(appId: string, ids: readonly string[]): Promise<void> {
    const live = new Set(await this.sessions.liveEndpointIds(appId, ids));
    const unknown = ids.filter((id) => !live.has(id));
    if (unknown.length > 0)
      throw new ValidationError(
        `endpointIds: no such endpoint in this app: ${unknown.join(', ')}`,
        [{ field: 'endpointIds', message: `unknown endpoints: ${unknown.join(', ')}` }],
      );
  }
}
