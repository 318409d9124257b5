import { Pool } from 'pg';
import { eventually } from './support/eventually';
import { countDeliveries, countLeasedFor, deliveriesOf } from './support/queue-probe';
import { ApiClient } from './support/api-client';
import { createApp, createEndpoint } from './support/builders';
import type { TestReceiver } from './support/receiver';
import {
  startServiceFleet,
  type ServiceExit,
  type ServiceFleet,
  type ServiceProcess,
} from './support/service-process';
import { TEST_ADMIN_KEY } from './support/test-app';

const BATCHES = 4;
const BATCH_SIZE = 1000;
const REPEATED_EVENT_ID = 'scale-out-once';
const REPEATS = 8;
/** Every batch message plus the one message the repeated eventId creates. */
const TOTAL = BATCHES * BATCH_SIZE + 1;

const WORKER_CONCURRENCY = 16;
const WORKER_BATCH_SIZE = 50;
/**
 * Deliveries one worker may hold leased and unrecorded at most with the configuration above,
 * computed by hand (with the sizing rule of src/delivery/worker/worker-capacity.ts when this
 * was written), not imported: a change to the worker's sizing must not silently loosen the
 * bound it is judged by. Claimed and unsent: concurrency + half of min(batch, concurrency)
 * (16 + 8); results awaiting their batched write: twice max(concurrency, batch) (100).
 * 16 + 8 + 100 = 124.
 */
const MAX_UNRECORDED = 124;
const LEASE_MS = 3000;
const GRACE_MS = 5000;
/** How much each worker must have delivered before the first one is stopped. */
const SHARE_BEFORE_STOPPING = 50;
/** SIGTERM to exit: the grace period plus closing the app (pools, HTTP server) on a loaded machine. */
const EXIT_SLACK_MS = 3000;

/**
 * Each worker sends from its own loopback address (OUTBOUND_BIND_ADDRESSES), so the receiver
 * sees which process delivered each request. The SIGTERMed worker leases for a different
 * time: its rows are recognisable in SQL as lease_until - updated_at (both set by the claim).
 */
const WORKERS = {
  killed: { source: '127.0.0.11', leaseMs: LEASE_MS },
  terminated: { source: '127.0.0.12', leaseMs: LEASE_MS + 1000 },
  survivor: { source: '127.0.0.13', leaseMs: LEASE_MS },
} as const;
type WorkerName = keyof typeof WORKERS;

interface Observed {
  messageIds: string[];
  repeatAnswers: Array<{ status: number; id: string }>;
  /** Per worker: requests the receiver had from it when the first worker was stopped. */
  deliveredBeforeStopping: Record<WorkerName, number>;
  /** Sent by the killed worker and not recorded when it died: the only ones allowed twice. */
  unrecordedAtKill: Set<string>;
  remainingAtTerm: number;
  termExit: ServiceExit;
  termExitMs: number;
  /** Rows still leased by the SIGTERMed worker right after it exited. */
  leftLeasedByTerminated: number;
  /** Messages the SIGTERMed worker sent that were not 'succeeded' right after it exited. */
  sentByTerminatedNotRecorded: string[];
  drainMs: number;
}

function sourceOf(remoteAddress: string): string {
  return remoteAddress.replace(/^::ffff:/, '');
}

function idsFrom(receiver: TestReceiver, source: string): string[] {
  return receiver.requests
    .filter((r) => sourceOf(r.remoteAddress) === source)
    .map((r) => String(r.headers['webhook-id']));
}

async function succeededAmong(db: Pool, messageIds: readonly string[]): Promise<Set<string>> {
  const rows = await deliveriesOf(db, { messageIds, status: 'succeeded' });
  return new Set(rows.map((r) => r.message_id));
}

describe('Scale-out: one api and three worker processes on one database', () => {
  let fleet: ServiceFleet;
  let db: Pool;
  let receiver: TestReceiver;
  let observed: Observed;

  beforeAll(async () => {
    fleet = await startServiceFleet();
    db = fleet.db;
    // A few ms per request so the drain lasts long enough to stop workers in the middle of it.
    receiver = await fleet.receiver(() => ({ status: 200, delayMs: 4 }));

    const api = await fleet.start({ role: 'api' });
    const workerEntries = await Promise.all(
      (Object.keys(WORKERS) as WorkerName[]).map(async (name) => {
        const w = await fleet.start({
          role: 'worker',
          env: {
            WORKER_LEASE_MS: String(WORKERS[name].leaseMs),
            // A lease must cover two delivery timeouts (start-up refuses otherwise).
            DELIVERY_TIMEOUT_MS: String(LEASE_MS / 2),
            WORKER_SWEEP_INTERVAL_MS: '200',
            WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
            WORKER_BATCH_SIZE: String(WORKER_BATCH_SIZE),
            ENDPOINT_MAX_IN_FLIGHT: '4',
            SHUTDOWN_GRACE_MS: String(GRACE_MS),
            OUTBOUND_IPS: '127.0.0.0/8',
            OUTBOUND_BIND_ADDRESSES: WORKERS[name].source,
          },
        });
        return [name, w] as const;
      }),
    );
    const workers = Object.fromEntries(workerEntries) as Record<WorkerName, ServiceProcess>;

    const client = new ApiClient(api.baseUrl, TEST_ADMIN_KEY);
    const app = await createApp(client);
    await createEndpoint(client, app.id, { url: receiver.url });

    // The whole backlog and the repeated eventId arrive at once; the workers, already idle, are woken by NOTIFY.
    const [batches, repeats] = await Promise.all([
      Promise.all(
        Array.from({ length: BATCHES }, (_, b) =>
          client.post<{ data: Array<{ id: string }> }>(`/api/v1/apps/${app.id}/messages/batch`, {
            messages: Array.from({ length: BATCH_SIZE }, (_, i) => ({
              eventType: 'invoice.paid',
              payload: { batch: b, n: i },
            })),
          }),
        ),
      ),
      Promise.all(
        Array.from({ length: REPEATS }, () =>
          client.post<{ id: string }>(`/api/v1/apps/${app.id}/messages`, {
            eventType: 'invoice.paid',
            payload: { once: true },
            eventId: REPEATED_EVENT_ID,
          }),
        ),
      ),
    ]);
    const drainStarted = Date.now();
    for (const b of batches)
      if (b.status !== 202)
        throw new Error(`batch answered ${b.status}: ${JSON.stringify(b.body)}`);
    const repeatAnswers = repeats.map((r) => ({ status: r.status, id: r.body.id }));
    const messageIds = [
      ...batches.flatMap((b) => b.body.data.map((m) => m.id)),
      repeatAnswers[0].id,
    ];

    const count = (name: WorkerName): number => idsFrom(receiver, WORKERS[name].source).length;
    await eventually(
      async () =>
        (Object.keys(WORKERS) as WorkerName[]).every((n) => count(n) >= SHARE_BEFORE_STOPPING),
      30_000,
      `every worker to deliver ${SHARE_BEFORE_STOPPING} (so far ${JSON.stringify({ killed: count('killed'), terminated: count('terminated'), survivor: count('survivor') })})`,
    );
    const deliveredBeforeStopping = {
      killed: count('killed'),
      terminated: count('terminated'),
      survivor: count('survivor'),
    };

    await workers.killed.stop('SIGKILL');
    // Requests it wrote just before dying may still be in the receiver's sockets: read once the
    // kernel has closed them all. Its leases hold for LEASE_MS, so nobody resends them meanwhile.
    await eventually(
      async () => receiver.openConnectionsFrom(WORKERS.killed.source) === 0,
      10_000,
      "the killed worker's connections to close",
    );
    const sentByKilled = idsFrom(receiver, WORKERS.killed.source);
    const recordedByKilled = await succeededAmong(db, sentByKilled);
    const unrecordedAtKill = new Set(sentByKilled.filter((id) => !recordedByKilled.has(id)));

    const remainingAtTerm =
      TOTAL - new Set(receiver.requests.map((r) => String(r.headers['webhook-id']))).size;
    const termStarted = Date.now();
    const termExit = await workers.terminated.stop('SIGTERM');
    const termExitMs = Date.now() - termStarted;
    const leftLeased = await countLeasedFor(db, WORKERS.terminated.leaseMs);
    const sentByTerminated = idsFrom(receiver, WORKERS.terminated.source);
    const recordedByTerminated = await succeededAmong(db, sentByTerminated);

    await eventually(
      async () => (await countDeliveries(db, { status: 'succeeded' })) === TOTAL,
      45_000,
      'every delivery to succeed',
    );
    observed = {
      messageIds,
      repeatAnswers,
      deliveredBeforeStopping,
      unrecordedAtKill,
      remainingAtTerm,
      termExit,
      termExitMs,
      leftLeasedByTerminated: leftLeased,
      sentByTerminatedNotRecorded: sentByTerminated.filter((id) => !recordedByTerminated.has(id)),
      drainMs: Date.now() - drainStarted,
    };
    process.stdout.write(
      `scale-out: ${TOTAL} messages drained in ${observed.drainMs} ms; before stopping ${JSON.stringify(deliveredBeforeStopping)}; ` +
        `${unrecordedAtKill.size} unrecorded at SIGKILL; ${remainingAtTerm} left at SIGTERM, exit after ${termExitMs} ms\n`,
    );
  }, 120_000);

  afterAll(() => fleet?.close());

  it('delivers every message to the receiver', () => {
    const received = new Set(receiver.requests.map((r) => String(r.headers['webhook-id'])));
    expect(observed.messageIds.filter((id) => !received.has(id))).toEqual([]);
  });

  it('ends with every delivery succeeded, one per message, nothing left pending or leased', async () => {
    const byStatus = new Map<string, number>();
    for (const d of await deliveriesOf(db, {}))
      byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + 1);
    expect([...byStatus]).toEqual([['succeeded', TOTAL]]);
  });

  it('shares the backlog: every worker delivered before any was stopped', () => {
    for (const n of Object.values(observed.deliveredBeforeStopping))
      expect(n).toBeGreaterThanOrEqual(SHARE_BEFORE_STOPPING);
  });

  it('sends twice only what the SIGKILLed worker had sent but not recorded', () => {
    const copies = new Map<string, number>();
    for (const r of receiver.requests) {
      const id = String(r.headers['webhook-id']);
      copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    const duplicated = [...copies].filter(([, n]) => n > 1).map(([id]) => id);
    expect(duplicated.filter((id) => !observed.unrecordedAtKill.has(id))).toEqual([]);
    expect(receiver.requests.length - copies.size).toBeLessThanOrEqual(
      observed.unrecordedAtKill.size,
    );
    // In flight plus results awaiting their batched write: the worker claims no more than that.
    expect(observed.unrecordedAtKill.size).toBeLessThanOrEqual(MAX_UNRECORDED);
  });

  it('stops the SIGTERMed worker mid-drain with exit code 0 within its grace period', () => {
    expect(observed.remainingAtTerm).toBeGreaterThan(0);
    expect(observed.termExit).toEqual({ code: 0, signal: null });
    expect(observed.termExitMs).toBeLessThan(GRACE_MS + EXIT_SLACK_MS);
  });

  it('leaves nothing leased by the SIGTERMed worker and records everything it sent', () => {
    expect(observed.leftLeasedByTerminated).toBe(0);
    expect(observed.sentByTerminatedNotRecorded).toEqual([]);
  });

  it('stores a repeated eventId sent concurrently once, answering every repeat with the same message', async () => {
    const ids = new Set(observed.repeatAnswers.map((a) => a.id));
    const statuses = observed.repeatAnswers.map((a) => a.status).sort((a, b) => a - b);
    expect(ids.size).toBe(1);
    expect(statuses).toEqual([...Array<number>(REPEATS - 1).fill(200), 202]);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM message WHERE event_id = $1`,
      [REPEATED_EVENT_ID],
    );
    expect(rows[0].n).toBe(1);
  });
});
