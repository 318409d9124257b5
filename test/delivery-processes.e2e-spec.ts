import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { eventually, insertApp, insertEndpoint, insertMessages } from './delivery.fixtures';
import { startReceiver, type TestReceiver } from './support/receiver';
import { TEST_ADMIN_KEY, TEST_ENCRYPTION_KEY } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

// Jest runs from the repository root (ESM tests have no __dirname).
const MAIN = join(process.cwd(), 'dist', 'main.js');
const CONCURRENCY = 64;

/** A worker as production runs it: its own OS process (`npm run build` first). */
function startWorker(databaseUrl: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      ROLE: 'worker',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      ADMIN_API_KEYS: TEST_ADMIN_KEY,
      SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      WORKER_LEASE_MS: '2000',
      WORKER_SWEEP_INTERVAL_MS: '200',
      WORKER_CONCURRENCY: String(CONCURRENCY),
      WORKER_BATCH_SIZE: '50',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('service started')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function countByStatus(db: Pool, appId: string, status: string): Promise<number> {
  return Number((await db.query('SELECT count(*) FROM delivery WHERE app_id = $1 AND status = $2', [appId, status])).rows[0].count);
}

function receivedIds(receiver: TestReceiver): string[] {
  return receiver.requests.map((r) => String(r.headers['webhook-id']));
}

describe('Delivery workers as separate processes', () => {
  let database: TestDatabase;
  let db: Pool;
  const children: ChildProcess[] = [];
  const receivers: TestReceiver[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first');
    database = await createTestDatabase();
    // The first worker runs the migrations; later ones find them applied.
    children.push(await startWorker(database.url, { WORKER_CONCURRENCY: '1' }));
    await stop(children[0], 'SIGTERM');
    db = new Pool({ connectionString: database.url, max: 3 });
    // Dropping the database WITH (FORCE) at the end kills idle connections.
    db.on('error', () => undefined);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(children.map((c) => stop(c, 'SIGKILL')));
    await Promise.all(receivers.map((r) => r.close()));
    await db.end();
    await database.drop();
  });

  it('loses nothing when a worker is SIGKILLed mid-drain; duplicates stay within what was in flight', async () => {
    const total = 3000;
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 2 }));
    receivers.push(receiver);
    const appId = await insertApp(db, new Date());
    const endpoint = await insertEndpoint(db, appId, new Date(), { url: receiver.url });
    const { messageIds } = await insertMessages(db, appId, endpoint.id, new Date(), total);

    const first = await startWorker(database.url, { ENDPOINT_MAX_IN_FLIGHT: '32' });
    children.push(first);
    await receiver.waitFor(total / 3, 30_000);
    await stop(first, 'SIGKILL');
    const receivedAtKill = receiver.requests.length;
    const recordedAtKill = await countByStatus(db, appId, 'succeeded');
    expect(receivedAtKill).toBeLessThan(total);

    const second = await startWorker(database.url, { ENDPOINT_MAX_IN_FLIGHT: '32' });
    children.push(second);
    await eventually(async () => (await countByStatus(db, appId, 'succeeded')) === total, 60_000, 'every delivery to succeed');

    const ids = receivedIds(receiver);
    const distinct = new Set(ids);
    expect(messageIds.filter((id) => !distinct.has(id))).toEqual([]);
    const duplicates = ids.length - distinct.size;
    // Only deliveries sent but not yet recorded when the process died can be sent twice.
    expect(duplicates).toBeLessThanOrEqual(receivedAtKill - recordedAtKill);
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
    await stop(second, 'SIGTERM');
  }, 120_000);

  it('two workers draining one backlog deliver each message once', async () => {
    const total = 4000;
    const receiver = await startReceiver(() => ({ status: 200 }));
    receivers.push(receiver);
    const appId = await insertApp(db, new Date());
    const endpoints = await Promise.all([0, 1, 2, 3].map(() => insertEndpoint(db, appId, new Date(), { url: receiver.url })));
    const workers = await Promise.all([startWorker(database.url), startWorker(database.url)]);
    children.push(...workers);
    const messageIds: string[] = [];
    for (const e of endpoints) messageIds.push(...(await insertMessages(db, appId, e.id, new Date(), total / 4)).messageIds);
    await receiver.waitFor(total, 60_000);
    await eventually(async () => (await countByStatus(db, appId, 'succeeded')) === total, 30_000, 'all recorded');
    const attempts = Number((await db.query('SELECT count(*) FROM attempt WHERE app_id = $1', [appId])).rows[0].count);
    const ids = receivedIds(receiver);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(attempts).toBe(total);
    await Promise.all(workers.map((w) => stop(w, 'SIGTERM')));
  }, 120_000);
});
