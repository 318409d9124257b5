import { ApiClient } from './api-client';

/** Shared test data: each builder creates through the real API and fails loudly if it cannot. */

export interface AppView {
  id: string;
  uid: string | null;
  name: string;
  retrySchedule: string[] | null;
}

export interface EndpointView {
  id: string;
  appId: string;
  url: string;
  description: string;
  disabled: boolean;
  disabledReason: string | null;
  headers: Record<string, string>;
  hasAuthToken: boolean;
  authTokenHint: string | null;
  rateLimit: number | null;
  retrySchedule: string[] | null;
  signatureHeader: string | null;
  sendTraceContext: boolean;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionView {
  id: string;
  endpointId: string;
  eventTypes: string[];
  filter: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface PageView<T> {
  data: T[];
  nextCursor: string | null;
}

let sequence = 0;

function created<T>(what: string, res: { status: number; body: unknown }): T {
  if (res.status !== 201)
    throw new Error(`creating ${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

export async function createApp(
  api: ApiClient,
  overrides: Record<string, unknown> = {},
): Promise<AppView> {
  return created(
    'app',
    await api.post('/api/v1/apps', { name: `app-${++sequence}`, ...overrides }),
  );
}

export async function createEndpoint(
  api: ApiClient,
  appId: string,
  overrides: Record<string, unknown> = {},
): Promise<EndpointView> {
  return created(
    'endpoint',
    await api.post(`/api/v1/apps/${appId}/endpoints`, {
      url: `https://example.com/hooks/${++sequence}`,
      ...overrides,
    }),
  );
}

export async function createSubscription(
  api: ApiClient,
  appId: string,
  endpointId: string,
  overrides: Record<string, unknown> = {},
): Promise<SubscriptionView> {
  return created(
    'subscription',
    await api.post(`/api/v1/apps/${appId}/endpoints/${endpointId}/subscriptions`, {
      eventTypes: ['*'],
      ...overrides,
    }),
  );
}

export async function listSubscriptions(
  api: ApiClient,
  appId: string,
  endpointId: string,
): Promise<SubscriptionView[]> {
  const res = await api.get<PageView<SubscriptionView>>(
    `/api/v1/apps/${appId}/endpoints/${endpointId}/subscriptions`,
  );
  return res.body.data;
}
