import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { CAPABILITIES } from '../../src/common/auth/capabilities';
import { FakeClock } from '../../src/common/clock';
import { eventually } from '../delivery.fixtures';
import { ApiClient } from './api-client';
import { TestReceiver } from './receiver';
import { type RouteKey, startTestAppWithReceiver, TEST_ADMIN_KEY } from './test-app';
import { TestDatabase } from './test-database';

export type { RouteKey } from './test-app';

/** The credentials every route is tried with. */
export const CREDENTIALS = [
  'admin',
  'fullA',
  'readA',
  'oneEndpointA',
  'fullB',
  'producerA',
  'expired',
  'revoked',
  'tampered',
] as const;
export type CredentialName = (typeof CREDENTIALS)[number];

export const READ_ONLY = ['endpoints:read', 'messages:read', 'deliveries:read', 'event-types:read'];

export interface AppSide {
  appId: string;
  /** Listed by the one-endpoint session (side A). */
  endpointId: string;
  /** Not listed by the one-endpoint session (side A). */
  otherEndpointId: string;
  subscriptionId: string;
  otherSubscriptionId: string;
  messageId: string;
  deliveryId: string;
  otherDeliveryId: string;
  attemptIds: string[];
  sessionId: string;
  apiKeyId: string;
}

export interface AuthWorld {
  app: NestFastifyApplication;
  db: Pool;
  clock: FakeClock;
  routes: ReadonlySet<RouteKey>;
  admin: ApiClient;
  receiver: TestReceiver;
  eventType: string;
  a: AppSide;
  b: AppSide;
  tokens: Record<CredentialName, string>;
  /** A client presenting `token`. */
  as(token: string): ApiClient;
  mintSession(appId: string, body: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/**
 * Two apps with real endpoints (loopback receivers), subscriptions, a delivered message each
 * (deliveries and attempts), and the nine credentials of the authorisation table. The app
 * runs on a FakeClock (so a session can expire); its `routes` are every route it serves.
 */
export async function startAuthWorld(): Promise<AuthWorld & { database: TestDatabase }> {
  const clock = new FakeClock(Date.now());
  const sut = await startTestAppWithReceiver({
    clock,
    env: { WORKER_SWEEP_INTERVAL_MS: '100', PUBLIC_URL: 'https://hooks.example.test/' },
  });
  const { app, db, routes, receiver, api: admin } = sut;

  const eventType = 'order.created';
  expectStatus(await admin.post('/api/v1/event-types', { name: eventType }), 201);
  const a = await buildSide(admin, db, receiver, eventType);
  const b = await buildSide(admin, db, receiver, eventType);

  const mintSession = async (appId: string, body: Record<string, unknown>): Promise<string> => {
    const res = await admin.post<{ token: string }>(`/api/v1/apps/${appId}/portal-sessions`, body);
    expectStatus(res, 201);
    return res.body.token;
  };
  // Minted, then the clock moves past its end; the others are minted after the move.
  const expired = await mintSession(a.appId, { ttlSeconds: 60 });
  clock.advance(120_000);
  const revokedRes = await admin.post<{ id: string; token: string }>(
    `/api/v1/apps/${a.appId}/portal-sessions`,
    {},
  );
  expectStatus(
    await admin.delete(`/api/v1/apps/${a.appId}/portal-sessions/${revokedRes.body.id}`),
    204,
  );
  const fullA = await mintSession(a.appId, { capabilities: CAPABILITIES });
  const producer = await admin.post<{ key: string }>(`/api/v1/apps/${a.appId}/api-keys`, {
    name: 'producer',
    capabilities: ['messages:write'],
  });
  expectStatus(producer, 201);
  const tokens: Record<CredentialName, string> = {
    admin: TEST_ADMIN_KEY,
    fullA,
    readA: await mintSession(a.appId, { capabilities: READ_ONLY }),
    oneEndpointA: await mintSession(a.appId, {
      capabilities: CAPABILITIES,
      endpointIds: [a.endpointId],
    }),
    fullB: await mintSession(b.appId, { capabilities: CAPABILITIES }),
    producerA: producer.body.key,
    expired,
    revoked: revokedRes.body.token,
    tampered: tamper(fullA, b.appId),
  };

  return {
    app,
    db,
    clock,
    routes,
    admin,
    receiver,
    eventType,
    a,
    b,
    tokens,
    database: sut.database,
    as: (token) => admin.withKey(token),
    mintSession,
    close: () => sut.close(),
  };
}

/** The token with its app claim changed to another app, the signature left as it was. */
function tamper(token: string, otherAppId: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const forged = Buffer.from(JSON.stringify({ ...claims, app: otherAppId })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

export function expectStatus(res: { status: number; body: unknown }, status: number): void {
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
}

async function buildSide(
  admin: ApiClient,
  db: Pool,
  receiver: TestReceiver,
  eventType: string,
): Promise<AppSide> {
  const app = await admin.post<{ id: string }>('/api/v1/apps', { name: 'side' });
  expectStatus(app, 201);
  const appId = app.body.id;
  const endpoint = async (): Promise<string> => {
    const res = await admin.post<{ id: string }>(`/api/v1/apps/${appId}/endpoints`, {
      url: receiver.url,
      eventTypes: [eventType],
    });
    expectStatus(res, 201);
    return res.body.id;
  };
  const endpointId = await endpoint();
  const otherEndpointId = await endpoint();
  const firstSubscription = async (id: string): Promise<string> =>
    (
      await admin.get<{ data: Array<{ id: string }> }>(
        `/api/v1/apps/${appId}/endpoints/${id}/subscriptions`,
      )
    ).body.data[0].id;
  const message = await admin.post<{ id: string }>(`/api/v1/apps/${appId}/messages`, {
    eventType,
    payload: { order: 1 },
  });
  expectStatus(message, 202);
  const messageId = message.body.id;
  const deliveries = await eventually(
    async () => {
      const { rows } = await db.query<{ id: string; endpoint_id: string }>(
        "SELECT id, endpoint_id FROM delivery WHERE message_id = $1 AND status = 'succeeded'",
        [messageId],
      );
      return rows.length === 2 ? rows : undefined;
    },
    30_000,
    'both deliveries to succeed',
  );
  const { rows: attempts } = await db.query<{ id: string }>(
    'SELECT id FROM attempt WHERE message_id = $1',
    [messageId],
  );
  const session = await admin.post<{ id: string }>(`/api/v1/apps/${appId}/portal-sessions`, {});
  const key = await admin.post<{ id: string }>(`/api/v1/apps/${appId}/api-keys`, {
    name: 'spare',
    capabilities: ['messages:read'],
  });
  return {
    appId,
    endpointId,
    otherEndpointId,
    subscriptionId: await firstSubscription(endpointId),
    otherSubscriptionId: await firstSubscription(otherEndpointId),
    messageId,
    deliveryId: deliveries.find((d) => d.endpoint_id === endpointId)?.id ?? '',
    otherDeliveryId: deliveries.find((d) => d.endpoint_id === otherEndpointId)?.id ?? '',
    attemptIds: attempts.map((r) => r.id),
    sessionId: session.body.id,
    apiKeyId: key.body.id,
  };
}
