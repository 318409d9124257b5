import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDatabase, DatabaseServer } from '../../src/database/embedded-database';

declare global {
  var __TEST_PG__: DatabaseServer | undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * One PostgreSQL server for the whole e2e run: DATABASE_URL when set (CI runs the suite
 * against the machine's PostgreSQL 15 this way), else a fresh embedded PostgreSQL in a temp
 * dir. Every test file then creates its own database on it (test/support/test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'hookrelay-test-pg-'));
  // Running as root, the package runs PostgreSQL as a separate user that must reach the dir.
  chmodSync(dataDir, 0o755);
  const server = await startEmbeddedDatabase({
    dataDir,
    port: await freePort(),
  });
  globalThis.__TEST_PG__ = server;
  process.env.TEST_DATABASE_URL = server.url;
}
