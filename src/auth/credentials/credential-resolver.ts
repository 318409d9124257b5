import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../common/clock';
import { AcceptedKeys } from '../../common/auth/constant-time';
import { DomainError } from '../../common/errors/domain-error';
import { RUNTIME_KEYS, type RuntimeKeys } from '../../common/runtime-keys';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { PortalSessionsRepository } from '../portal-sessions/portal-sessions.repository';
import { apiKeySecretMatches, parseApiKey } from './api-key-secret';
import type { Credential } from './credential';
import { looksLikePortalToken, PortalTokenSigner } from './portal-token';
import { portalSigningKey } from './portal-signing-key';

const unauthorized = (message: string): DomainError =>
  new DomainError(401, 'unauthorized', message);

/**
 * Turns a bearer token into a Credential, or answers 401: an admin key (constant-time against
 * every configured key), an app API key (`hk_…`, looked up by id, secret hash compared in
 * constant time) or a portal token (signature and expiry by the injected clock, then the
 * session row: revoked, gone with its app or naming another app → 401).
 */
@Injectable()
export class CredentialResolver {
  private readonly adminKeys: AcceptedKeys;
  readonly portalTokens: PortalTokenSigner;

  constructor(
    @Inject(RUNTIME_KEYS) keys: RuntimeKeys,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly apiKeys: ApiKeysRepository,
    private readonly sessions: PortalSessionsRepository,
  ) {
    this.adminKeys = new AcceptedKeys(keys.adminApiKeys);
    this.portalTokens = new PortalTokenSigner(portalSigningKey(keys));
  }

  async resolve(token: string): Promise<Credential> {
    if (this.adminKeys.matches(token)) return { kind: 'admin' };
    const apiKey = parseApiKey(token);
    if (apiKey !== null) return this.appApiKey(apiKey.keyId, apiKey.secret);
    if (looksLikePortalToken(token)) return this.portalSession(token);
    throw unauthorized('invalid API key');
  }

  private async appApiKey(keyId: string, secret: string): Promise<Credential> {
    const row = await this.apiKeys.find(keyId);
    if (row === null || !apiKeySecretMatches(secret, row.secret_hash))
      throw unauthorized('invalid API key');
    if (row.revoked_at !== null) throw unauthorized('this API key was revoked');
    return {
      kind: 'api-key',
      id: row.id,
      appId: row.app_id,
      capabilities: row.capabilities,
      endpointIds: null,
    };
  }

  private async portalSession(token: string): Promise<Credential> {
    const now = this.clock.now();
    const check = await this.portalTokens.verify(token, now);
    if (!check.valid)
      throw unauthorized(
        check.reason === 'expired' ? 'the portal session has expired' : 'invalid portal token',
      );
    const row = await this.sessions.find(check.claims.sessionId);
    if (row === null || row.app_id !== check.claims.appId)
      throw unauthorized('invalid portal token');
    if (row.revoked_at !== null) throw unauthorized('the portal session was revoked');
    if (row.expires_at.getTime() <= now.getTime())
      throw unauthorized('the portal session has expired');
    return {
      kind: 'portal-session',
      id: row.id,
      appId: row.app_id,
      capabilities: row.capabilities,
      endpointIds: row.endpoint_ids,
    };
  }
}
