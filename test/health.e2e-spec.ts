import { Client } from 'pg';
import { WorkerHeartbeat } from '../src/common/worker-heartbeat';
import { startTestApp, TestApp } from './support/test-app';
import { eventuallyPasses } from './support/eventually';
import { createTestDatabase, TestDatabase } from './support/test-database';

const untilPasses = (check: () => Promise<void>): Promise<void> =>
  eventuallyPasses(check, { timeoutMs: 15_000, intervalMs: 200 });

interface HealthBody {
  status: string;
  details: Record<string, { status: string; [key: string]: unknown }>;
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('Health checks', () => {
  let database: TestDatabase;
  let sut: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    // api role: no delivery loop of its own, so the test alone drives the heartbeat.
    sut = await startTestApp({ database, env: { ROLE: 'api', WORKER_SWEEP_INTERVAL_MS: '1000' } });
    // The outage test terminates this pool's connections too.
    sut.db.on('error', () => undefined);
  });
  afterAll(async () => {
    await onServer(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    await sut.close();
    await database.drop();
  });

  const ready = () => sut.api.withKey(null).get<HealthBody>('/health/ready');

  it('answers liveness without a key', async () => {
    const res = await sut.api.withKey(null).get<HealthBody>('/health/live');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('is ready with the database reachable and migrations applied', async () => {
    const res = await ready();
    expect(res.status).toBe(200);
    expect(res.body.details).toMatchObject({
      database: { status: 'up' },
      migrations: { status: 'up' },
      worker: { status: 'up', running: false },
    });
    expect(res.headers['cache-control']).toContain('no-store');
  });

  it('lists both routes in the OpenAPI document', async () => {
    const doc = await sut.api.withKey(null).get<{ paths: Record<string, unknown> }>('/docs-json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/health/live', '/health/ready']),
    );
  });

  it('turns not ready (503) while the database refuses connections, live all along, and ready again once it is back', async () => {
    await onServer(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
    await onServer(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`,
    );

    await untilPasses(async () => {
      const res = await ready();
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('error');
      expect(res.body.details.database).toMatchObject({ status: 'down' });
    });
    expect((await sut.api.withKey(null).get('/health/live')).status).toBe(200);

    await onServer(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    await untilPasses(async () => {
      const res = await ready();
      expect(res.status).toBe(200);
      expect(res.body.details.database.status).toBe('up');
    });
  });

  it('does not name the database or the server in the public answer', async () => {
    await onServer(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
    await onServer(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`,
    );
    try {
      await untilPasses(async () => expect((await ready()).status).toBe(503));
      const res = await ready();
      expect(JSON.stringify(res.body)).not.toContain(database.name);
    } finally {
      await onServer(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    }
    await untilPasses(async () => expect((await ready()).status).toBe(200));
  });

  it('turns not ready when the delivery loop of this process stops beating, and ready when it beats again', async () => {
    const heartbeat = sut.app.get(WorkerHeartbeat);
    // 3 sweeps of 1 s + 5 s grace = 8 s of silence allowed
    heartbeat.beat(Date.now() - 9_000);
    const stale = await ready();
    expect(stale.status).toBe(503);
    expect(stale.body.details.worker).toMatchObject({
      status: 'down',
      running: true,
      maxSilenceMs: 8_000,
    });

    heartbeat.beat();
    expect((await ready()).status).toBe(200);
  });
});
