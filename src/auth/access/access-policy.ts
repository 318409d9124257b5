import type { Credential } from '../credentials/credential';
import type { AccessRule } from '../../common/auth/access-rule';

/** The route's parameters that matter, `appId` already resolved to the app's id. */
export interface RouteTarget {
  /** undefined: the route is not under /apps/{appId}; null: no such app. */
  appId?: string | null;
  endpointId?: string;
}

/** The `code` of a 403 answer, so a client (the portal) can tell why. */
export type ForbiddenCode =
  | 'credential_required'
  | 'admin_only'
  | 'portal_session_only'
  | 'capability_missing'
  | 'endpoint_limited';

export type AccessDecision =
  | { allow: true }
  | { allow: false; status: 403; code: ForbiddenCode; reason: string }
  | { allow: false; status: 404; hides: 'app' | 'endpoint'; reason: string };

const allow: AccessDecision = { allow: true };
const hidden = (hides: 'app' | 'endpoint', reason: string): AccessDecision => ({
  allow: false,
  status: 404,
  hides,
  reason,
});
const forbidden = (code: ForbiddenCode, reason: string): AccessDecision => ({
  allow: false,
  status: 403,
  code,
  reason,
});

/**
 * The one authorisation rule. A scoped credential sees nothing outside its app: another
 * app's routes answer 404 exactly as an app that does not exist (whatever the route's rule),
 * and so does an endpoint its session does not list. What it could see but may not do answers
 * 403: a missing capability, an admin-only route, an app-wide route for an endpoint-limited
 * session. Pure: the guard resolves the credential and the app first.
 */
export function decideAccess(
  rule: AccessRule,
  credential: Credential | undefined,
  target: RouteTarget,
): AccessDecision {
  if (rule.kind === 'public') return allow;
  if (credential === undefined) return forbidden('credential_required', 'a credential is required');
  if (credential.kind === 'admin') {
    return rule.kind === 'portal-session'
      ? forbidden('portal_session_only', 'this route is for portal sessions only')
      : allow;
  }
  if (target.appId !== undefined && target.appId !== credential.appId) {
    return hidden('app', 'another app');
  }
  if (
    target.endpointId !== undefined &&
    credential.endpointIds !== null &&
    !credential.endpointIds.includes(target.endpointId)
  ) {
    return hidden('endpoint', 'an endpoint outside the session');
  }
  switch (rule.kind) {
    case 'admin':
      return forbidden('admin_only', 'this route needs an admin key');
    case 'portal-session':
      return credential.kind === 'portal-session'
        ? allow
        : forbidden('portal_session_only', 'this route is for portal sessions only');
    case 'capability':
      if (!credential.capabilities.includes(rule.capability))
        return forbidden(
          'capability_missing',
          `this credential lacks the "${rule.capability}" capability`,
        );
      if (
        credential.endpointIds !== null &&
        target.endpointId === undefined &&
        !rule.filtersEndpoints
      )
        return forbidden(
          'endpoint_limited',
          'this route covers the whole app; the session is limited to some endpoints',
        );
      return allow;
  }
}
