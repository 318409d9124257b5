import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../src/database/embedded-database';
import { freePort } from '../shared/ports';

/**
 * The database of one bench run. The runner owns it (not the service) because the API and
 * the worker run as two processes that must share it:
 * - default: the project's embedded PostgreSQL in a fresh temp dir on a free port;
 * - DATABASE_URL: a fresh database `hookrelay_bench_<ts>` on that server, dropped afterwards.
 */
export interface BenchDatabase {
  url: string;
  embedded: boolean;
  version: string;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

async function wrap(
  url: string,
  embedded: boolean,
  cleanup: () => Promise<void>,
): Promise<BenchDatabase> {
  const client = await connect(url);
  const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]
    .server_version;
  return {
    url,
    embedded,
    version,
    query: async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await client.query<T>(sql, params)).rows,
    stop: async () => {
      await client.end().catch(() => undefined);
      await cleanup();
    },
  };
}

async function startEmbedded(): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookrelay-bench-db-'));
  // mkdtemp makes it 0700; as root, initdb runs as a separate postgres user that must enter it.
  chmodSync(dataDir, 0o755);
  const server = await startEmbeddedDatabase({
    dataDir,
    port: await freePort(),
    log: (l) => console.error(l),
  });
  return wrap(server.url, true, async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
}

async function createExternal(serverUrl: string): Promise<BenchDatabase> {
  const name = `hookrelay_bench_${Date.now()}`;
  const admin = await connect(serverUrl);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return wrap(url.toString(), false, async () => {
    const dropper = await connect(serverUrl);
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
}

export function startBenchDatabase(externalUrl: string | undefined): Promise<BenchDatabase> {
  return externalUrl === undefined || externalUrl === ''
    ? startEmbedded()
    : createExternal(externalUrl);
}
