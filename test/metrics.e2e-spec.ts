import { FakeClock } from '../src/common/clock';
import { createApp, createEndpoint } from './support/builders';
import { startReceiver } from './support/receiver';
import { eventuallyPasses } from './support/eventually';
import { placeDelivery } from './support/queue-probe';
import { startTestAppWithDatabase, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const untilPasses = (check: () => Promise<void>): Promise<void> =>
  eventuallyPasses(check, { timeoutMs: 12_000, intervalMs: 250 });

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

/** The value of an unlabelled sample in a Prometheus text exposition. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no sample ${name} in:\n${text}`);
  return Number(line.slice(name.length + 1));
}

/** A labelled sample (labels in the order the metric declares them); 0 while absent. */
function labelled(text: string, name: string, labels: Record<string, string>): number {
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${selector}} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('Metrics', () => {
  let sut: TestApp;
  let appId: string;
  let messageId: string;
  let seq = 0;

  const scrape = async (): Promise<string> => {
    const res = await sut.api.withKey(METRICS_TOKEN).get<string>('/metrics');
    expect(res.status).toBe(200);
    return res.body;
  };
  const ingest = async (): Promise<string> => {
    const res = await sut.api.post<{ id: string }>(`/api/v1/apps/${appId}/messages`, {
      eventType: 'invoice.paid',
      payload: { n: ++seq },
    });
    expect(res.status).toBe(202);
    return res.body.id;
  };
  const addDelivery = (status: string, nextAttemptAt: number | null) =>
    placeDelivery(sut.db, {
      id: `dlv_test_${++seq}`,
      appId,
      messageId,
      endpointId: 'ep_test',
      status,
      nextAttemptAt: nextAttemptAt === null ? null : new Date(nextAttemptAt),
      at: new Date(NOW),
    });
  const addEndpoint = (columns: {
    disabled?: boolean;
    circuitOpenUntil?: number;
    deletedAt?: number;
  }) =>
    sut.db.query(
      `INSERT INTO endpoint (id, app_id, url, secret_enc, disabled, circuit_open_until, deleted_at, created_at, updated_at)
       VALUES ($1, $2, 'https://example.com/hook', '\\x00', $3, $4, $5, $6, $6)`,
      [
        `ep_test_${++seq}`,
        appId,
        columns.disabled ?? false,
        columns.circuitOpenUntil === undefined ? null : new Date(columns.circuitOpenUntil),
        columns.deletedAt === undefined ? null : new Date(columns.deletedAt),
        new Date(NOW),
      ],
    );

  beforeAll(async () => {
    // api role: no delivery loop claims the rows this test inserts.
    sut = await startTestAppWithDatabase({
      clock: new FakeClock(NOW),
      env: { ROLE: 'api', METRICS_TOKEN },
    });
    appId = (await sut.api.post<{ id: string }>('/api/v1/apps', { name: 'metrics' })).body.id;
    messageId = await ingest();
    // Seeded before the first scrape, so the first snapshot already holds them.
    await addDelivery('pending', NOW - 60_000);
    await addDelivery('pending', NOW - 10_000);
    await addDelivery('pending', NOW);
    await addDelivery('pending', NOW + 3_600_000);
    await addDelivery('pending', NOW + 60_000);
    await addDelivery('delivering', NOW - 5_000);
    await addDelivery('succeeded', null);
    await addEndpoint({ circuitOpenUntil: NOW + 30_000 });
    await addEndpoint({ circuitOpenUntil: NOW - 30_000 });
    await addEndpoint({ disabled: true });
    await addEndpoint({ disabled: true, deletedAt: NOW - 1_000 });
  });
  afterAll(() => sut.close());

  describe('access', () => {
    it('answers 401 without a token', async () => {
      const res = await sut.api.withKey(null).get('/metrics');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'unauthorized' });
    });

    it('answers 401 with a wrong token', async () => {
      expect(
        (await sut.api.withKey('not-the-metrics-token-0123456789').get('/metrics')).status,
      ).toBe(401);
    });

    it('accepts METRICS_TOKEN and answers in the Prometheus text format', async () => {
      const res = await sut.api.withKey(METRICS_TOKEN).get<string>('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.body).toContain('# TYPE hookrelay_messages_ingested_total counter');
    });

    it('accepts an admin key', async () => {
      expect((await sut.api.withKey(TEST_ADMIN_KEY).get('/metrics')).status).toBe(200);
    });

    it('is in the OpenAPI document', async () => {
      const doc = await sut.api.withKey(null).get<{ paths: Record<string, unknown> }>('/docs-json');
      expect(Object.keys(doc.body.paths)).toContain('/metrics');
    });
  });

  describe('queue gauges', () => {
    it('count due, scheduled and leased deliveries as of the clock', async () => {
      const text = await scrape();
      expect({
        due: sample(text, 'hookrelay_queue_due'),
        scheduled: sample(text, 'hookrelay_queue_scheduled'),
        leased: sample(text, 'hookrelay_deliveries_leased'),
      }).toEqual({ due: 3, scheduled: 2, leased: 1 });
    });

    it('report how long the most overdue delivery has waited', async () => {
      expect(sample(await scrape(), 'hookrelay_queue_oldest_due_age_seconds')).toBe(60);
    });

    it('count open circuits and disabled endpoints, ignoring deleted ones', async () => {
      const text = await scrape();
      expect(sample(text, 'hookrelay_endpoints_circuit_open')).toBe(1);
      expect(sample(text, 'hookrelay_endpoints_disabled')).toBe(1);
    });

    it('follow the table on a later scrape (refreshed at most every 5 s)', async () => {
      await addDelivery('pending', NOW - 120_000);
      await untilPasses(async () => {
        const text = await scrape();
        expect(sample(text, 'hookrelay_queue_due')).toBe(4);
        expect(sample(text, 'hookrelay_queue_oldest_due_age_seconds')).toBe(120);
      });
    });
  });

  describe('queue gauges and a disabled endpoint', () => {
    it("leave out a disabled endpoint's parked deliveries (they would look overdue for ever)", async () => {
      const endpoint = await sut.api.post<{ id: string }>(`/api/v1/apps/${appId}/endpoints`, {
        url: 'https://example.com/disabled-later',
      });
      expect(endpoint.status).toBe(201);
      await ingest();
      await ingest();
      // Overdue for ten minutes: the oldest of all.
      await placeDelivery(sut.db, {
        id: `dlv_test_${++seq}`,
        appId,
        messageId,
        endpointId: endpoint.body.id,
        at: new Date(NOW - 600_000),
      });
      await untilPasses(async () => {
        const text = await scrape();
        expect(sample(text, 'hookrelay_queue_due')).toBe(7);
        expect(sample(text, 'hookrelay_queue_oldest_due_age_seconds')).toBe(600);
      });

      const disabled = await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpoint.body.id}`, {
        disabled: true,
      });
      expect(disabled.status).toBe(200);
      await untilPasses(async () => {
        const text = await scrape();
        expect(sample(text, 'hookrelay_queue_due')).toBe(4);
        expect(sample(text, 'hookrelay_queue_scheduled')).toBe(2);
        expect(sample(text, 'hookrelay_queue_oldest_due_age_seconds')).toBe(120);
      });
    });
  });

  describe('delivery metrics of a worker', () => {
    it('move as real deliveries succeed and fail', async () => {
      const worker = await startTestAppWithDatabase({
        env: { ROLE: 'all', METRICS_TOKEN, CIRCUIT_BREAKER_THRESHOLD: '1000' },
      });
      const receiver = await startReceiver((request) => ({
        status: request.path.endsWith('/fail') ? 500 : 200,
      }));
      try {
        const scrapeWorker = async (): Promise<string> =>
          (await worker.api.withKey(METRICS_TOKEN).get<string>('/metrics')).body;
        const app = (await createApp(worker.api)).id;
        await createEndpoint(worker.api, app, { url: `${receiver.url}/ok` });
        await createEndpoint(worker.api, app, { url: `${receiver.url}/fail` });
        const before = await scrapeWorker();
        const read = (text: string) => ({
          created: sample(text, 'hookrelay_deliveries_created_total'),
          succeeded: labelled(text, 'hookrelay_delivery_attempts_total', {
            outcome: 'succeeded',
            error_class: 'none',
          }),
          retrying: labelled(text, 'hookrelay_delivery_attempts_total', {
            outcome: 'retrying',
            error_class: 'status',
          }),
          timedSucceeded: labelled(text, 'hookrelay_delivery_attempt_duration_seconds_count', {
            outcome: 'succeeded',
          }),
        });
        const start = read(before);

        for (let i = 0; i < 3; i++)
          expect(
            (
              await worker.api.post(`/api/v1/apps/${app}/messages`, {
                eventType: 'invoice.paid',
                payload: { i },
              })
            ).status,
          ).toBe(202);
        await receiver.waitFor(6);

        await untilPasses(async () => {
          expect(read(await scrapeWorker())).toEqual({
            created: start.created + 6,
            succeeded: start.succeeded + 3,
            retrying: start.retrying + 3,
            timedSucceeded: start.timedSucceeded + 3,
          });
        });
      } finally {
        await worker.close();
        await receiver.close();
      }
    });
  });

  describe('counters', () => {
    it('count messages accepted through the API', async () => {
      const before = sample(await scrape(), 'hookrelay_messages_ingested_total');
      await ingest();
      await ingest();
      expect(sample(await scrape(), 'hookrelay_messages_ingested_total')).toBe(before + 2);
    });
  });
});
