import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { request } from 'undici';
import { type ReceiverBehaviour, startReceiver, type TestReceiver } from './receiver';
import { TEST_ADMIN_KEY, TEST_ENCRYPTION_KEY } from './test-app';
import { createTestDatabase, type TestDatabase, testPool } from './test-database';

/** Jest runs from the repository root (ESM tests have no __dirname). */
export const SERVICE_MAIN = join(process.cwd(), 'dist', 'main.js');

/** Enough of a process's output to explain why it failed, without growing without bound. */
const OUTPUT_KEPT_CHARS = 64 * 1024;
const START_ATTEMPTS = 3;

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `node dist/main.js` as production runs it: its own OS process, ready to serve. */
export interface ServiceProcess {
  readonly role: string;
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  /** Settles when the process has exited, however it ended. */
  readonly exited: Promise<ServiceExit>;
  /** The last stdout and stderr of the process (JSON log lines). */
  output(): string;
  /** The last stderr alone: where plain lines meant for a person (a generated key) go. */
  errorOutput(): string;
  /** Sends `signal` (unless it has exited already) and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<ServiceExit>;
}

export interface ServiceProcessOptions {
  role: 'api' | 'worker' | 'all';
  /**
   * Omitted: the embedded default, as `npm start` runs on a fresh clone — no DATABASE_URL and
   * no keys (they are generated into DATA_DIR). Pass DATA_DIR and EMBEDDED_POSTGRES_PORT in
   * `env` then, and a longer `readyTimeoutMs` for the first start (initdb).
   */
  databaseUrl?: string;
  /** Added to (and overriding) the defaults below. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** A port nobody listens on now; the child binds it a moment later (start retries if taken). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node dist/main.js` (run `npm run build` first) with the test keys (or, without a
 * databaseUrl, on the embedded default) and loopback deliveries allowed, on an explicit free
 * port, and resolves once GET /health/ready answers 200: database reachable, migrations
 * applied (several processes starting together take the migration advisory lock in turn)
 * and, for a worker, the delivery loop beating.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  if (!existsSync(SERVICE_MAIN))
    throw new Error(`${SERVICE_MAIN} is missing: run \`npm run build\` first`);
  for (let attempt = 1; ; attempt++) {
    const service = spawnService(options, await freePort());
    try {
      await waitUntilReady(service, options.readyTimeoutMs ?? 30_000);
      return service;
    } catch (err) {
      await service.stop('SIGKILL');
      if (attempt < START_ATTEMPTS && service.output().includes('EADDRINUSE')) continue;
      throw err;
    }
  }
}

/** For afterAll: ends every process still running (SIGKILL by default: nothing to wait for). */
export async function stopAll(
  services: readonly ServiceProcess[],
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  await Promise.all(services.map((s) => s.stop(signal)));
}

/**
 * For a worker another one must take over from quickly after a SIGKILL: short leases (a lease
 * must cover two delivery timeouts, start-up refuses otherwise) and sweeps that find them.
 */
export const QUICK_TAKEOVER_WORKER_ENV: Readonly<Record<string, string>> = {
  WORKER_LEASE_MS: '2000',
  DELIVERY_TIMEOUT_MS: '1000',
  WORKER_SWEEP_INTERVAL_MS: '200',
};

/**
 * The service processes of a test file on a database of its own, the receivers they deliver
 * to and a pool for the test's own queries, all ended by `close` (for afterAll).
 */
export interface ServiceFleet {
  readonly database: TestDatabase;
  readonly db: Pool;
  /** startServiceProcess on the fleet's database; still running at `close`, it is SIGKILLed. */
  start(options: Omit<ServiceProcessOptions, 'databaseUrl'>): Promise<ServiceProcess>;
  /** startReceiver, closed at `close`. */
  receiver(behaviour?: ReceiverBehaviour): Promise<TestReceiver>;
  close(): Promise<void>;
}

export async function startServiceFleet(): Promise<ServiceFleet> {
  const database = await createTestDatabase();
  const db = testPool(database);
  const services: ServiceProcess[] = [];
  const receivers: TestReceiver[] = [];
  return {
    database,
    db,
    async start(options) {
      const service = await startServiceProcess({ ...options, databaseUrl: database.url });
      services.push(service);
      return service;
    },
    async receiver(behaviour) {
      const receiver = await startReceiver(behaviour);
      receivers.push(receiver);
      return receiver;
    },
    async close() {
      await stopAll(services);
      await Promise.all(receivers.map((r) => r.close()));
      await db.end();
      await database.drop();
    },
  };
}

function spawnService(options: ServiceProcessOptions, port: number): ServiceProcess {
  const database =
    options.databaseUrl === undefined
      ? {}
      : {
          DATABASE_URL: options.databaseUrl,
          ADMIN_API_KEYS: TEST_ADMIN_KEY,
          SECRETS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        };
  const child: ChildProcess = spawn(process.execPath, [SERVICE_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      ROLE: options.role,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...database,
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errorOutput = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', (chunk: Buffer) => {
    keep(chunk);
    errorOutput = (errorOutput + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  });
  const exited = new Promise<ServiceExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    role: options.role,
    pid: child.pid ?? -1,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    exited,
    output: () => output,
    errorOutput: () => errorOutput,
    stop(signal) {
      if (!hasExited()) child.kill(signal);
      return exited;
    },
  };
}

async function waitUntilReady(service: ServiceProcess, timeoutMs: number): Promise<void> {
  const seen: { exit?: ServiceExit } = {};
  void service.exited.then((e) => (seen.exit = e));
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const { exit } = seen;
    if (exit)
      throw new Error(
        `${service.role} process exited (${exit.code ?? exit.signal}) before it was ready:\n${service.output()}`,
      );
    try {
      const res = await request(`${service.baseUrl}/health/ready`, {
        headersTimeout: 2_000,
        bodyTimeout: 2_000,
      });
      last = `${res.statusCode} ${await res.body.text()}`;
      if (res.statusCode === 200) return;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${service.role} process not ready after ${timeoutMs} ms (last /health/ready: ${last}):\n${service.output()}`,
  );
}
