import {
  AttemptRecordRepository,
  type AttemptRecord,
} from '../src/queue/attempt-record.repository';
import { DeliveryQueueRepository } from '../src/queue/delivery-queue.repository';
import { QueuePool } from '../src/queue/queue-pool';
import { insertApp, insertEndpoint } from './delivery.fixtures';
import {
  attemptRows,
  cancelEverything,
  deliveriesOf,
  deliveryRow,
  enqueueMessages,
  placeDelivery,
} from './support/queue-probe';
import { startTestAppWithDatabase } from './support/test-app';

/**
 * The claimer and the recorder's statements on a real PostgreSQL: what a claim takes and
 * leases, that concurrent claims never share a row, what recording, releasing, holding and
 * requeueing do to a delivery. The specification for whatever owns the queue next.
 */
describe('Delivery queue statements (PostgreSQL)', () => {
  const T0 = Date.UTC(2030, 0, 1);
  const at = (ms: number) => new Date(T0 + ms);
  const LEASE = at(60_000);
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let pools: QueuePool[];
  let queues: DeliveryQueueRepository[];
  let sutQueue: DeliveryQueueRepository;
  let sutRecords: AttemptRecordRepository;
  let appId: string;

  beforeAll(async () => {
    // api role: no worker claims behind the test's back.
    sut = await startTestAppWithDatabase({ env: { ROLE: 'api' } });
    pools = [new QueuePool(sut.db), new QueuePool(sut.db)];
    queues = pools.map((p) => new DeliveryQueueRepository(p));
    sutQueue = queues[0];
    sutRecords = new AttemptRecordRepository(pools[0]);
    appId = await insertApp(sut.db, at(0));
  });
  afterEach(() => cancelEverything(sut.db));
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.onApplicationShutdown()));
    await sut.close();
  });

  const endpoint = async (spec: { disabled?: boolean } = {}) =>
    (await insertEndpoint(sut.db, appId, at(0), { url: 'http://127.0.0.1:9/hook', ...spec })).id;

  describe('claim', () => {
    it('leases due pending deliveries in due order, up to the limit, and returns what sending needs', async () => {
      const ep = await endpoint();
      const late = await enqueueMessages(sut.db, appId, ep, at(20), 1, () => '{"n":"late"}');
      const early = await enqueueMessages(sut.db, appId, ep, at(10), 1, () => '{"n":"early"}');
      const future = await enqueueMessages(sut.db, appId, ep, at(10_000), 1);

      const claimed = await sutQueue.claim(at(1_000), 1, [], LEASE);

      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({
        id: early.deliveryIds[0],
        appId,
        messageId: early.messageIds[0],
        endpointId: ep,
        attempts: 0,
        firstAttemptAt: null,
        leaseUntil: LEASE,
        eventType: 'invoice.paid',
        payload: '{"n":"early"}',
        endpointDisabled: false,
        endpointDeleted: false,
      });
      const states = await deliveriesOf(sut.db, { endpointId: ep });
      const byId = new Map(states.map((d) => [d.id, d]));
      expect(byId.get(early.deliveryIds[0])).toMatchObject({
        status: 'delivering',
        lease_until: LEASE,
      });
      expect(byId.get(late.deliveryIds[0])).toMatchObject({ status: 'pending', lease_until: null });
      expect((await sutQueue.claim(at(1_000), 10, [], LEASE)).map((d) => d.id)).toEqual(
        late.deliveryIds,
      );
      expect(byId.get(future.deliveryIds[0])?.status).toBe('pending');
      expect(await sutQueue.claim(at(1_000), 10, [], LEASE)).toEqual([]);
    });

    it('skips the excluded endpoints', async () => {
      const [skipped, taken] = [await endpoint(), await endpoint()];
      await enqueueMessages(sut.db, appId, skipped, at(0), 3);
      const { deliveryIds } = await enqueueMessages(sut.db, appId, taken, at(0), 2);
      const claimed = await sutQueue.claim(at(1_000), 10, [skipped], LEASE);
      expect(claimed.map((d) => d.id).sort()).toEqual([...deliveryIds].sort());
      await sutQueue.release(claimed, at(1_000));
    });

    it('never gives one row to two concurrent claims', async () => {
      const ep = await endpoint();
      const { deliveryIds } = await enqueueMessages(sut.db, appId, ep, at(0), 60);
      const [a, b] = await Promise.all(queues.map((q) => q.claim(at(1_000), 40, [], LEASE)));
      const ids = [...a, ...b].map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual([...deliveryIds].sort());
    });

    it('claims the deliveries of a disabled or deleted endpoint too, flagged, so the worker can park or cancel them', async () => {
      const disabled = await endpoint({ disabled: true });
      const one = await enqueueMessages(sut.db, appId, disabled, at(0));
      const gone = await enqueueMessages(sut.db, appId, 'ep_never_existed', at(0));
      const claimed = await sutQueue.claim(at(1_000), 10, [], LEASE);
      const byId = new Map(claimed.map((d) => [d.id, d]));
      expect(byId.get(one.deliveryIds[0])).toMatchObject({
        endpointDisabled: true,
        endpointDeleted: false,
      });
      expect(byId.get(gone.deliveryIds[0])).toMatchObject({ endpointDeleted: true });

      // release() parks the disabled endpoint's delivery; cancel() ends the orphan's.
      await sutQueue.release([byId.get(one.deliveryIds[0])!], at(2_000));
      await sutQueue.cancel([byId.get(gone.deliveryIds[0])!], 'endpoint deleted', at(2_000));
      expect(await deliveryRow(sut.db, one.deliveryIds[0])).toMatchObject({
        status: 'pending',
        next_attempt_at: null,
      });
      expect(await deliveryRow(sut.db, gone.deliveryIds[0])).toMatchObject({
        status: 'cancelled',
        next_attempt_at: null,
        last_error: 'endpoint deleted',
      });
    });
  });

  describe('record', () => {
    const recordOf = (
      d: { id: string; appId: string; messageId: string; endpointId: string; leaseUntil: Date },
      overrides: Partial<AttemptRecord> = {},
    ): AttemptRecord => ({
      delivery: { ...d, fifo: null },
      attemptId: `atmpt_${d.id}_${overrides.attempt ?? 1}`,
      attempt: 1,
      succeeded: false,
      statusCode: 503,
      errorClass: 'http_status',
      error: 'HTTP 503',
      responseBody: 'busy',
      durationMs: 12,
      attemptedAt: at(1_500),
      status: 'pending',
      nextAttemptAt: at(61_500),
      ...overrides,
    });

    it('appends the attempt and moves the delivery to the state judged, releasing the lease', async () => {
      const ep = await endpoint();
      await enqueueMessages(sut.db, appId, ep, at(0));
      const [claimed] = await sutQueue.claim(at(1_000), 1, [], LEASE);

      expect(await sutRecords.record([recordOf(claimed)], at(1_600))).toBe(1);

      expect(await deliveryRow(sut.db, claimed.id)).toEqual({
        status: 'pending',
        attempts: 1,
        next_attempt_at: at(61_500),
        last_status_code: 503,
        last_error: 'HTTP 503',
      });
      expect((await deliveriesOf(sut.db, { endpointId: ep }))[0].lease_until).toBeNull();
      expect(await attemptRows(sut.db, claimed.id)).toEqual([
        expect.objectContaining({
          attempt: 1,
          succeeded: false,
          status_code: 503,
          error_class: 'http_status',
          response_body: 'busy',
          duration_ms: 12,
          created_at: at(1_500),
        }),
      ]);
    });

    it('keeps the state of a delivery whose lease another worker holds now, and still logs the attempt', async () => {
      const ep = await endpoint();
      await enqueueMessages(sut.db, appId, ep, at(0));
      const [stale] = await sutQueue.claim(at(1_000), 1, [], LEASE);
      // The lease ran out; it was requeued and claimed again by someone else.
      expect(await sutQueue.requeueExpiredLeases(at(61_000), 10)).toBe(1);
      const [current] = await queues[1].claim(at(61_000), 1, [], at(121_000));
      expect(current.id).toBe(stale.id);

      expect(
        await sutRecords.record([recordOf(stale, { status: 'succeeded', succeeded: true })], at(0)),
      ).toBe(0);

      expect((await deliveriesOf(sut.db, { endpointId: ep }))[0]).toMatchObject({
        status: 'delivering',
        attempts: 0,
        lease_until: at(121_000),
      });
      expect(await attemptRows(sut.db, stale.id)).toHaveLength(1);
    });
  });

  describe('requeue and holds', () => {
    it('requeues only leases that ran out, due at once', async () => {
      const ep = await endpoint();
      await enqueueMessages(sut.db, appId, ep, at(0), 2);
      const [expiring] = await sutQueue.claim(at(1_000), 1, [], at(5_000));
      const [held] = await sutQueue.claim(at(1_000), 1, [], at(50_000));

      expect(await sutQueue.requeueExpiredLeases(at(10_000), 10)).toBe(1);

      expect(await deliveryRow(sut.db, expiring.id)).toMatchObject({
        status: 'pending',
        next_attempt_at: at(0),
      });
      expect((await deliveryRow(sut.db, held.id)).status).toBe('delivering');
      expect((await sutQueue.claim(at(10_000), 10, [], LEASE)).map((d) => d.id)).toEqual([
        expiring.id,
      ]);
    });

    it('holds an endpoint’s pending deliveries out of the due window, and unholds those still at the hold time', async () => {
      const ep = await endpoint();
      const { messageIds, deliveryIds } = await enqueueMessages(sut.db, appId, ep, at(0), 3);
      const later = await placeDelivery(sut.db, {
        appId,
        messageId: messageIds[0],
        endpointId: ep,
        nextAttemptAt: at(900_000),
        at: at(0),
      });

      // Only ever later: the row due after the hold keeps its time.
      expect(await sutQueue.hold([ep], at(30_000), at(1_000))).toBe(3);
      expect(await sutQueue.claim(at(29_000), 10, [], LEASE)).toEqual([]);
      expect((await deliveryRow(sut.db, later)).next_attempt_at).toEqual(at(900_000));

      expect(await sutQueue.unhold([ep], [at(30_000)], at(2_000))).toBe(3);
      const due = await sutQueue.claim(at(2_000), 10, [], LEASE);
      expect(due.map((d) => d.id).sort()).toEqual([...deliveryIds].sort());
    });
  });
});
