import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Pool } from 'pg';
import { eventually, insertApp, insertEndpoint, insertMessages } from './delivery.fixtures';
import { TEST_ADMIN_KEY, TEST_ENCRYPTION_KEY } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const BACKLOG = Number(process.env.DRAIN_BACKLOG ?? 20_000);
const MAIN = join(process.cwd(), 'dist', 'main.js');

/**
 * Measures how fast one worker process drains a backlog to one fast local endpoint (a bare
 * node:http server that only counts). Prints the rate; asserts a floor far below the target
 * so a slow CI machine does not flake, while a per-delivery round trip would still fail it.
 */
describe('Delivery drain rate', () => {
  let database: TestDatabase;
  let db: Pool;
  let server: Server;
  let received = 0;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.writeHead(200).end();
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db?.end();
    await database.drop();
  });

  it(`drains ${BACKLOG} deliveries from a backlog`, async () => {
    const env = {
      PATH: process.env.PATH ?? '', ROLE: 'worker', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url,
      ADMIN_API_KEYS: TEST_ADMIN_KEY, SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'warn', ENDPOINT_MAX_IN_FLIGHT: process.env.DRAIN_MAX_IN_FLIGHT ?? '64',
    };
    // Start once to migrate, stop, then fill the backlog so the measured run starts on a full queue.
    const migrate = spawn(process.execPath, [MAIN], { env: { ...env, WORKER_CONCURRENCY: '1' }, stdio: 'ignore' });
    db = new Pool({ connectionString: database.url, max: 2 });
    db.on('error', () => undefined);
    await eventually(async () => (await db.query(`SELECT to_regclass('delivery') AS t`)).rows[0].t !== null, 30_000, 'migrations');
    await eventually(async () => (await db.query(`SELECT count(*)::int AS n FROM schema_migrations`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n > 0, 30_000, 'migrations');
    migrate.kill('SIGKILL');
    const appId = await insertApp(db, new Date());
    const { port } = server.address() as AddressInfo;
    const endpoint = await insertEndpoint(db, appId, new Date(), { url: `http://127.0.0.1:${port}/hook` });
    for (let done = 0; done < BACKLOG; done += 5000) await insertMessages(db, appId, endpoint.id, new Date(), Math.min(5000, BACKLOG - done));
    await db.query('VACUUM ANALYZE delivery');

    const started = Date.now();
    const profile = process.env.DRAIN_PROFILE_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.DRAIN_PROFILE_DIR}`] : [];
    worker = spawn(process.execPath, [...profile, MAIN], { env, stdio: 'ignore' });
    const firstAt = await eventually(async () => (received > 0 ? Date.now() : undefined), 30_000, 'a first delivery');
    await eventually(async () => received >= BACKLOG || undefined, 120_000, 'the receiver to get everything');
    const firstToLastMs = Date.now() - started;
    await eventually(async () => (await db.query(`SELECT count(*)::int AS n FROM delivery WHERE status = 'succeeded'`)).rows[0].n === BACKLOG, 30_000, 'all recorded');
    const recordedMs = Date.now() - started;
    const rate = Math.round(BACKLOG / (firstToLastMs / 1000));
    const steady = Math.round(BACKLOG / ((started + firstToLastMs - firstAt) / 1000));
    process.stdout.write(`drain: ${BACKLOG} deliveries received in ${firstToLastMs} ms incl. process start (${rate}/s; ${steady}/s from the first delivery), all recorded after ${recordedMs} ms\n`);
    if (process.env.DRAIN_PROFILE_DIR) worker.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, process.env.DRAIN_PROFILE_DIR ? 3000 : 0));
    expect(rate).toBeGreaterThan(1000);
  }, 180_000);
});
