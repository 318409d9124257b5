import type { Pool } from 'pg';
import { Webhook } from 'standardwebhooks';
import { FakeClock } from '../src/common/clock';
import { generateSigningSecret } from '../src/common/signing-secret';
import { DeliveryWorker } from '../src/delivery/worker/delivery-worker';
import { insertApp, insertEndpoint } from './delivery.fixtures';
import { eventually } from './support/eventually';
import {
  enqueueMessages,
  settledStatus,
  deliveriesOf as deliveriesIn,
  countDeliveries,
  type DeliveryState,
} from './support/queue-probe';
import { createApp, createEndpoint } from './support/builders';
import { startReceiver, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

const HOUR = 3_600_000;

interface EndpointHealthRow {
  disabled: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
  failing_since: Date | null;
}

function deliveriesOf(db: Pool, endpointId: string): Promise<DeliveryState[]> {
  return deliveriesIn(db, { endpointId });
}

/** Parked: pending with no due time, so claims (next_attempt_at <= now) never reach it. */
const isParked = (d: DeliveryState): boolean =>
  d.status === 'pending' && d.next_attempt_at === null;

async function endpointRow(db: Pool, id: string): Promise<EndpointHealthRow> {
  const { rows } = await db.query<EndpointHealthRow>(
    'SELECT disabled, disabled_reason, consecutive_failures, failing_since FROM endpoint WHERE id = $1',
    [id],
  );
  return rows[0];
}

interface OperationalEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * Auto-disable and operational events on a simulated clock. The clock stays near real time
 * (the first test starts it an hour back, then moves it an hour forward) so operational
 * deliveries, signed at simulated time, are within the standardwebhooks verifier's tolerance.
 */
describe('Auto-disable and operational events', () => {
  const clock = new FakeClock(Date.now() - HOUR);
  const opsSecret = generateSigningSecret();
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let worker: DeliveryWorker;
  let ops: TestReceiver;
  let appId: string;

  /** Operational events of `type` that arrived at the ops endpoint, each verified as a Standard Webhook. */
  function eventsOf(type: string): OperationalEvent[] {
    const verifier = new Webhook(opsSecret);
    return ops.requests
      .map(
        (r: ReceivedRequest) =>
          verifier.verify(r.body, r.headers as Record<string, string>) as OperationalEvent,
      )
      .filter((e) => e.type === type);
  }

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({
      clock,
      env: {
        WORKER_SWEEP_INTERVAL_MS: '600000',
        WORKER_LEASE_MS: '3600000',
        ENDPOINT_DISABLE_AFTER: '1h',
        CIRCUIT_BREAKER_THRESHOLD: '10000',
        OPERATIONAL_EVENTS_APP: 'ops',
      },
    });
    worker = sut.app.get(DeliveryWorker);
    ops = await startReceiver();
    const opsApp = await createApp(sut.api, { uid: 'ops' });
    await createEndpoint(sut.api, opsApp.id, { url: ops.url, secret: opsSecret });
    appId = await insertApp(sut.db, clock.now());
  });
  afterAll(async () => {
    await sut.close();
    await ops.close();
  });

  it('disables an endpoint that failed every attempt for ENDPOINT_DISABLE_AFTER, tells the ops app, and PATCH resumes it', async () => {
    const receiver = await startReceiver(() => ({ status: 500 }));
    try {
      const start = clock.now();
      const endpoint = await insertEndpoint(sut.db, appId, start, {
        url: receiver.url,
        retrySchedule: [1200, 1200, 1200, 1200, 1200],
      });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, start);
      // Attempts at 0, 20, 40 and 60 minutes; the last one finds it failing for an hour.
      for (let made = 1; made <= 3; made++) {
        await eventually(
          async () => (await endpointRow(sut.db, endpoint.id)).consecutive_failures === made,
          10_000,
          `failure ${made}`,
        );
        expect((await endpointRow(sut.db, endpoint.id)).disabled).toBe(false);
        clock.advance(1_200_000);
        await worker.sweep();
      }
      const disabled = await eventually(
        async () => {
          const row = await endpointRow(sut.db, endpoint.id);
          return row.disabled ? row : undefined;
        },
        10_000,
        'the endpoint to be disabled',
      );
      expect(disabled.disabled_reason).toBe(`failing since ${start.toISOString()} (1 hour)`);
      // Parked in the disabling transaction: pending, not due, attempts kept.
      const [parked] = await eventually(
        async () => {
          const rows = await deliveriesOf(sut.db, endpoint.id);
          return rows.every(isParked) ? rows : undefined;
        },
        10_000,
        'the pending delivery to be parked',
      );
      expect(parked.attempts).toBe(4);

      const [event] = await eventually(
        async () =>
          eventsOf('endpoint.disabled').length > 0 ? eventsOf('endpoint.disabled') : undefined,
        10_000,
        'endpoint.disabled',
      );
      expect(event.data).toEqual({
        appId,
        endpointId: endpoint.id,
        url: receiver.url,
        reason: disabled.disabled_reason,
        failingSince: start.toISOString(),
        disabledAt: clock.now().toISOString(),
      });

      const shown = await sut.api.get(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`);
      expect(shown.body).toMatchObject({
        disabled: true,
        health: {
          consecutiveFailures: 4,
          circuitOpenUntil: null,
          failingSince: start.toISOString(),
        },
      });

      // Re-enabled: the pending delivery resumes on its schedule and now succeeds.
      receiver.setBehaviour(() => ({ status: 200 }));
      expect(
        (await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`, { disabled: false }))
          .status,
      ).toBe(200);
      clock.advance(1_200_000);
      await worker.sweep();
      expect((await settledStatus(sut.db, deliveryIds[0], 'succeeded')).attempts).toBe(5);
      expect(await endpointRow(sut.db, endpoint.id)).toMatchObject({
        disabled: false,
        consecutive_failures: 0,
        failing_since: null,
      });
    } finally {
      await receiver.close();
    }
  }, 30_000);

  it('disables an endpoint at once when the receiver answers 410 Gone, parking its deliveries', async () => {
    clock.set(Date.now());
    const receiver = await startReceiver(() => ({ status: 410 }));
    try {
      const endpoint = await insertEndpoint(sut.db, appId, clock.now(), { url: receiver.url });
      await enqueueMessages(sut.db, appId, endpoint.id, clock.now(), 3);
      const row = await eventually(
        async () => {
          const r = await endpointRow(sut.db, endpoint.id);
          return r.disabled ? r : undefined;
        },
        10_000,
        'the endpoint to be disabled',
      );
      expect(row.disabled_reason).toBe('receiver answered 410 Gone');
      await eventually(
        async () => eventsOf('endpoint.disabled').some((e) => e.data.endpointId === endpoint.id),
        10_000,
        'endpoint.disabled',
      );
      // Parked with the disable; one recorded after it (sent while it happened) when it comes due.
      clock.advance(10_000);
      await worker.sweep();
      await eventually(
        async () => (await deliveriesOf(sut.db, endpoint.id)).every(isParked),
        10_000,
        'every delivery to be parked',
      );

      receiver.setBehaviour(() => ({ status: 200 }));
      const res = await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`, {
        disabled: false,
      });
      expect(res.status).toBe(200);
      await eventually(
        async () =>
          (await deliveriesOf(sut.db, endpoint.id)).every((d) => d.status === 'succeeded'),
        10_000,
        'the re-enabled endpoint to receive its deliveries',
      );
    } finally {
      await receiver.close();
    }
  });

  it('parks the pending deliveries of an endpoint disabled with PATCH, and resumes them when it is re-enabled', async () => {
    clock.set(Date.now());
    const failing = await startReceiver(() => ({ status: 503 }));
    const healthy = await startReceiver();
    try {
      const endpoint = await insertEndpoint(sut.db, appId, clock.now(), {
        url: failing.url,
        retrySchedule: [60, 60],
      });
      await enqueueMessages(sut.db, appId, endpoint.id, clock.now(), 3);
      await eventually(
        async () =>
          (await deliveriesOf(sut.db, endpoint.id)).every(
            (d) => d.status === 'pending' && d.attempts === 1,
          ),
        10_000,
        'a first failed attempt each',
      );
      clock.advance(120_000); // due again; no sweep claims them yet

      const res = await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`, {
        disabled: true,
      });
      expect(res.status).toBe(200);
      expect((await deliveriesOf(sut.db, endpoint.id)).every(isParked)).toBe(true);
      expect(
        await countDeliveries(sut.db, {
          endpointId: endpoint.id,
          status: 'pending',
          dueBy: clock.now(),
        }),
      ).toBe(0);

      // Claims go on for everyone else, and nothing goes to the disabled endpoint.
      const other = await insertEndpoint(sut.db, appId, clock.now(), { url: healthy.url });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, other.id, clock.now());
      await settledStatus(sut.db, deliveryIds[0], 'succeeded');
      await worker.sweep();
      expect(failing.requests).toHaveLength(3);
      expect((await deliveriesOf(sut.db, endpoint.id)).every(isParked)).toBe(true);

      // Re-enabled: due at once, with a fresh retry window (the schedule starts over).
      failing.setBehaviour(() => ({ status: 200 }));
      const enabled = await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`, {
        disabled: false,
      });
      expect(enabled.status).toBe(200);
      await eventually(
        async () =>
          (await deliveriesOf(sut.db, endpoint.id)).every(
            (d) => d.status === 'succeeded' && d.attempts === 2,
          ),
        10_000,
        'the parked deliveries to be delivered',
      );
      const windows = await deliveriesOf(sut.db, endpoint.id);
      expect(windows.map((w) => w.attempts_before_window)).toEqual([1, 1, 1]);
    } finally {
      await failing.close();
      await healthy.close();
    }
  });

  it('reports a delivery that exhausted its attempts to the ops app', async () => {
    clock.set(Date.now());
    const receiver = await startReceiver(() => ({ status: 503, body: 'down' }));
    try {
      const endpoint = await insertEndpoint(sut.db, appId, clock.now(), {
        url: receiver.url,
        retrySchedule: [],
      });
      const { messageIds, deliveryIds } = await enqueueMessages(
        sut.db,
        appId,
        endpoint.id,
        clock.now(),
      );
      await settledStatus(sut.db, deliveryIds[0], 'failed');
      const events = await eventually(
        async () => {
          const found = eventsOf('message.attempt.exhausted').filter(
            (e) => e.data.deliveryId === deliveryIds[0],
          );
          return found.length > 0 ? found : undefined;
        },
        10_000,
        'message.attempt.exhausted',
      );
      expect(events).toHaveLength(1);
      expect(events[0].data).toEqual({
        appId,
        messageId: messageIds[0],
        deliveryId: deliveryIds[0],
        endpointId: endpoint.id,
        eventType: 'invoice.paid',
        attempts: 1,
        lastStatusCode: 503,
        lastError: expect.any(String),
      });
    } finally {
      await receiver.close();
    }
  });
});
