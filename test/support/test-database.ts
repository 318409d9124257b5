import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'TEST_DATABASE_URL is not set: run e2e tests through jest (globalSetup sets it)',
    );
  return url;
}

async function admin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A database of its own for one test file; migrations run when the app starts on it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `hookrelay_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A small pool for a test's own queries on `database`: what was (not) written. */
export function testPool(database: TestDatabase, max = 3): Pool {
  const pool = new Pool({ connectionString: database.url, max });
  // Idle connections are killed when the test database is force-dropped; without a listener
  // pg's 'error' event would crash the test file after its tests passed.
  pool.on('error', () => undefined);
  return pool;
}
