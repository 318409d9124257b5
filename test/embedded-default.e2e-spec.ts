import { existsSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  DatabaseServer,
  EMBEDDED_PASSWORD_FILE,
  startEmbeddedDatabase,
} from '../src/database/embedded-database';
import { ApiClient } from './support/api-client';
import {
  type EmbeddedInstall,
  isRunning,
  newDataDir,
  postmasterPid,
  prepareEmbeddedInstall,
} from './support/embedded-install';
import { freePort, type ServiceProcess } from './support/service-process';

/** initdb, the migrations and the first start of a process on a shared 2-core machine. */
const FIRST_START_TIMEOUT_MS = 120_000;
const LEGACY_PASSWORD = 'embedded';

const DATA_DIR_PREFIX = 'hookrelay-embedded-';

/** The postmaster of the cluster in `dataDir` and its children (Linux /proc). */
function postgresProcessIds(dataDir: string): number[] {
  const postmaster = postmasterPid(dataDir);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => parentOf(Number(pid)) === postmaster)
    .map(Number);
  return [postmaster, ...children];
}

function parentOf(pid: number): number | undefined {
  try {
    // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // exited meanwhile
  }
}

/** Whether PostgreSQL on `port` lets the superuser in with `password`. */
async function logsIn(port: number, password: string): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('The embedded default: `npm start` with no database installed', () => {
  let install: EmbeddedInstall;
  let first: ServiceProcess;
  let adminKey: string;
  let appId: string;

  beforeAll(async () => {
    install = await prepareEmbeddedInstall({
      dataDirPrefix: DATA_DIR_PREFIX,
      readyTimeoutMs: FIRST_START_TIMEOUT_MS,
    });
    first = await install.start();
    adminKey = install.adminKey();
  }, FIRST_START_TIMEOUT_MS);
  afterAll(() => install.remove());

  describe('first start', () => {
    it('generates an admin key into DATA_DIR, readable by its owner only', () => {
      expect({
        key: adminKey,
        mode: statSync(join(install.dataDir, 'admin-api-key')).mode & 0o777,
      }).toEqual({ key: expect.stringMatching(/^sk_\S{20,}$/), mode: 0o600 });
    });

    it('prints the key once, on a plain stderr line', () => {
      const printed = first
        .errorOutput()
        .split('\n')
        .filter((line) => line.includes(adminKey));

      expect(printed).toEqual([expect.not.stringMatching(/^\{/)]);
    });

    it('keeps the key out of the JSON log, which names the file instead', () => {
      const logLines = first
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'));

      expect(logLines.filter((line) => line.includes(adminKey))).toEqual([]);
      expect(logLines.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
        expect.objectContaining({ file: join(install.dataDir, 'admin-api-key') }),
      );
    });

    it('serves the API with that key', async () => {
      const res = await new ApiClient(first.baseUrl, adminKey).get('/api/v1/apps');

      expect(res.status).toBe(200);
    });

    it('serves the API docs at /docs', async () => {
      expect((await new ApiClient(first.baseUrl, null).get('/docs')).status).toBe(200);
    });

    it('gives PostgreSQL a generated password, kept in DATA_DIR for its owner only', async () => {
      const passwordFile = join(install.dataDir, EMBEDDED_PASSWORD_FILE);
      const password = readFileSync(passwordFile, 'utf8').trim();

      expect({
        mode: statSync(passwordFile).mode & 0o777,
        generated: password.length >= 24 && password !== LEGACY_PASSWORD,
        logsIn: await logsIn(install.postgresPort, password),
      }).toEqual({ mode: 0o600, generated: true, logsIn: true });
    });

    it('refuses the old fixed password', async () => {
      expect(await logsIn(install.postgresPort, LEGACY_PASSWORD)).toBe(false);
    });
  });

  describe('SIGTERM, then a second start', () => {
    let postgresProcesses: number[];
    let exit: Awaited<ServiceProcess['exited']>;
    let second: ServiceProcess;

    beforeAll(async () => {
      const created = await new ApiClient(first.baseUrl, adminKey).post<{ id: string }>(
        '/api/v1/apps',
        { name: 'Kept across restarts' },
      );
      appId = created.body.id;
      postgresProcesses = postgresProcessIds(install.dataDir);
      exit = await first.stop('SIGTERM');
      second = await install.start();
    }, FIRST_START_TIMEOUT_MS);

    it('exits with code 0', () => {
      expect(exit).toEqual({ code: 0, signal: null });
    });

    it('stops the embedded PostgreSQL with it', () => {
      expect({
        // The postmaster and its background processes were all seen while it ran…
        seen: postgresProcesses.length > 1,
        running: postgresProcesses.filter(isRunning),
        // …and the second start runs a postmaster of its own, not the first one.
        reused: postgresProcessIds(install.dataDir).includes(postgresProcesses[0]),
      }).toEqual({ seen: true, running: [], reused: false });
    });

    it('keeps the data in DATA_DIR', async () => {
      const res = await new ApiClient(second.baseUrl, adminKey).get(`/api/v1/apps/${appId}`);

      expect({ status: res.status, name: res.body.name }).toEqual({
        status: 200,
        name: 'Kept across restarts',
      });
    });

    it('does not print the key again', () => {
      expect(second.errorOutput()).not.toContain(adminKey);
    });
  });
});

describe('Embedded PostgreSQL password', () => {
  let dataDir: string;
  let port: number;
  let server: DatabaseServer | undefined;

  beforeAll(async () => {
    dataDir = newDataDir(DATA_DIR_PREFIX);
    port = await freePort();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'reuses the stored password on a later start',
    async () => {
      server = await startEmbeddedDatabase({ dataDir, port });
      const firstUrl = server.url;
      await server.stop();

      server = await startEmbeddedDatabase({ dataDir, port });

      expect(server.url).toBe(firstUrl);
    },
    FIRST_START_TIMEOUT_MS,
  );

  it(
    'still opens a data dir initialised with the old fixed password',
    async () => {
      const admin = new Client({ connectionString: server?.url });
      await admin.connect();
      await admin.query(`ALTER ROLE postgres PASSWORD '${LEGACY_PASSWORD}'`);
      await admin.end();
      await server?.stop();
      // What a data dir from before generated passwords looks like: no password file.
      unlinkSync(join(dataDir, EMBEDDED_PASSWORD_FILE));

      server = await startEmbeddedDatabase({ dataDir, port });

      expect({
        password: new URL(server.url).password,
        logsIn: await logsIn(port, LEGACY_PASSWORD),
        passwordFileCreated: existsSync(join(dataDir, EMBEDDED_PASSWORD_FILE)),
      }).toEqual({ password: LEGACY_PASSWORD, logsIn: true, passwordFileCreated: false });
    },
    FIRST_START_TIMEOUT_MS,
  );
});
