import type { Capability } from './capabilities';

/**
 * What a route declares about who may call it; every route declares exactly one (start-up
 * fails otherwise, see AccessDeclarationsCheck).
 * - `public`: no credential (health, the outbound-IP list).
 * - `admin`: an admin key only.
 * - `portal-session`: a portal token only (the portal's own routes).
 * - `capability`: an admin key, or an app-scoped credential of the route's `{appId}` that
 *   holds the capability. `filtersEndpoints`: the route narrows what it returns to the
 *   credential's endpoints itself, so an endpoint-limited session may call it; otherwise an
 *   endpoint-limited session may call it only for an `{endpointId}` it lists.
 */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'admin' }
  | { kind: 'portal-session' }
  | { kind: 'capability'; capability: Capability; filtersEndpoints: boolean };

export const ACCESS_RULE = 'hookrelay:accessRule';
