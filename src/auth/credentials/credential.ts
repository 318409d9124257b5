import type { Capability } from '../../common/auth/capabilities';

/** Who is calling, once the bearer token has been checked. */
export type Credential = AdminCredential | ScopedCredential;

export interface AdminCredential {
  kind: 'admin';
}

/** An app API key or a portal session: one app, some capabilities, maybe some endpoints. */
export interface ScopedCredential {
  kind: 'api-key' | 'portal-session';
  /** `key_…` or `ps_…` */
  id: string;
  appId: string;
  capabilities: readonly Capability[];
  /** null: every endpoint of the app. */
  endpointIds: readonly string[] | null;
}

/** The endpoints a route may show: null = all of the app's (admin keys, unlimited credentials). */
export type EndpointScope = readonly string[] | null;

export const endpointScopeOf = (credential: Credential | undefined): EndpointScope =>
  credential === undefined || credential.kind === 'admin' ? null : credential.endpointIds;
