import type { Credential, ScopedCredential } from '../credentials/credential';
import { decideAccess, RouteTarget } from './access-policy';
import type { AccessRule } from '../../common/auth/access-rule';

const admin: Credential = { kind: 'admin' };
const scoped = (overrides: Partial<ScopedCredential> = {}): ScopedCredential => ({
  kind: 'portal-session',
  id: 'ps_1',
  appId: 'app_A',
  capabilities: ['endpoints:read'],
  endpointIds: null,
  ...overrides,
});
const needs = (filtersEndpoints = false): AccessRule => ({
  kind: 'capability',
  capability: 'endpoints:read',
  filtersEndpoints,
});
const own: RouteTarget = { appId: 'app_A' };

describe('decideAccess', () => {
  it.each<[string, AccessRule, Credential | undefined, RouteTarget, string]>([
    ['a public route, no credential', { kind: 'public' }, undefined, {}, 'allow'],
    ['an admin key, an admin-only route', { kind: 'admin' }, admin, own, 'allow'],
    ['an admin key, any app', needs(), admin, { appId: 'app_B' }, 'allow'],
    [
      'an admin key, a portal-only route',
      { kind: 'portal-session' },
      admin,
      {},
      '403 portal_session_only',
    ],
    ['a session, its own app, the capability', needs(), scoped(), own, 'allow'],
    ['a session, another app', needs(), scoped(), { appId: 'app_B' }, '404 app'],
    ['a session, an app that does not exist', needs(), scoped(), { appId: null }, '404 app'],
    [
      'a session, another app, an admin-only route',
      { kind: 'admin' },
      scoped(),
      { appId: 'app_B' },
      '404 app',
    ],
    [
      'a session, its own app, an admin-only route',
      { kind: 'admin' },
      scoped(),
      own,
      '403 admin_only',
    ],
    [
      'a session, no app in the path, an admin-only route',
      { kind: 'admin' },
      scoped(),
      {},
      '403 admin_only',
    ],
    [
      'a session without the capability',
      needs(),
      scoped({ capabilities: ['messages:write'] }),
      own,
      '403 capability_missing',
    ],
    [
      'another app wins over a missing capability',
      needs(),
      scoped({ capabilities: [] }),
      { appId: 'app_B' },
      '404 app',
    ],
    [
      'a listed endpoint',
      needs(),
      scoped({ endpointIds: ['ep_1'] }),
      { ...own, endpointId: 'ep_1' },
      'allow',
    ],
    [
      'an endpoint not listed',
      needs(),
      scoped({ endpointIds: ['ep_1'] }),
      { ...own, endpointId: 'ep_2' },
      '404 endpoint',
    ],
    [
      'an endpoint not listed wins over a missing capability',
      needs(),
      scoped({ endpointIds: ['ep_1'], capabilities: [] }),
      { ...own, endpointId: 'ep_2' },
      '404 endpoint',
    ],
    [
      'an endpoint-limited session, an app-wide route',
      needs(),
      scoped({ endpointIds: ['ep_1'] }),
      own,
      '403 endpoint_limited',
    ],
    [
      'an endpoint-limited session, a route that filters',
      needs(true),
      scoped({ endpointIds: ['ep_1'] }),
      own,
      'allow',
    ],
    [
      'an unlimited session, any endpoint of its app',
      needs(),
      scoped(),
      { ...own, endpointId: 'ep_9' },
      'allow',
    ],
    ['a session, the portal-only route', { kind: 'portal-session' }, scoped(), {}, 'allow'],
    [
      'an app API key, the portal-only route',
      { kind: 'portal-session' },
      scoped({ kind: 'api-key' }),
      {},
      '403 portal_session_only',
    ],
    ['no credential, a declared route', needs(), undefined, own, '403 credential_required'],
  ])('%s → %s', (_case, rule, credential, target, expected) => {
    const decision = decideAccess(rule, credential, target);

    const shown = decision.allow
      ? 'allow'
      : decision.status === 404
        ? `404 ${decision.hides}`
        : `403 ${decision.code}`;
    expect(shown).toBe(expected);
  });
});
