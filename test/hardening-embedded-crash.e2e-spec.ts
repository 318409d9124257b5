import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unreachableFolderProblem } from '../src/database/data-dir-access';
import { startEmbeddedDatabase } from '../src/database/embedded-database';
import { ApiClient } from './support/api-client';
import {
  type EmbeddedInstall,
  isRunning,
  postmasterPid,
  prepareEmbeddedInstall,
} from './support/embedded-install';
import { startReceiver, type TestReceiver } from './support/receiver';
import { freePort, type ServiceProcess } from './support/service-process';
import { eventually } from './support/eventually';

/** initdb, the migrations and a start on a loaded 2-core machine. */
const START_TIMEOUT_MS = 180_000;
const RECOVERY_TIMEOUT_MS = 120_000;

/**
 * Sends numbered messages one after another until stopped; remembers which ones the service
 * acknowledged with 202 (those must all be delivered) and which statuses it answered.
 */
function ingestLoop(api: () => ApiClient, appId: string) {
  const acknowledged = new Set<number>();
  const statuses = new Map<number, number>();
  let running = true;
  let seq = 0;
  const done = (async () => {
    while (running) {
      const n = ++seq;
      try {
        const res = await api().post(`/api/v1/apps/${appId}/messages`, {
          eventType: 'crash.test',
          eventId: `seq-${n}`,
          payload: { seq: n },
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 202 || res.status === 200) acknowledged.add(n);
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1); // connection refused: the process is down
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  return {
    acknowledged,
    statuses,
    count: () => acknowledged.size,
    async stop() {
      running = false;
      await done;
    },
  };
}

function deliveredSeqs(receiver: TestReceiver): Set<number> {
  return new Set(
    receiver.requests.map((r) => (JSON.parse(r.body) as { data: { seq: number } }).data.seq),
  );
}

describe('Hardening: the embedded PostgreSQL recovers from crashes', () => {
  let install: EmbeddedInstall;
  let receiver: TestReceiver;
  let service: ServiceProcess;
  let adminKey: string;
  let appId: string;
  const api = (): ApiClient => new ApiClient(service.baseUrl, adminKey);

  beforeAll(async () => {
    install = await prepareEmbeddedInstall({
      dataDirPrefix: 'hookrelay-crash-',
      readyTimeoutMs: START_TIMEOUT_MS,
      env: { LOG_LEVEL: 'info' },
    });
    receiver = await startReceiver();
    service = await install.start();
    adminKey = install.adminKey();
    appId = (await api().post<{ id: string }>('/api/v1/apps', { name: 'Crash' })).body.id;
    const endpoint = await api().post(`/api/v1/apps/${appId}/endpoints`, { url: receiver.url });
    expect(endpoint.status).toBe(201);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await install.remove();
    await receiver.close();
  }, 60_000);

  describe('the postmaster is killed during ingestion', () => {
    let ingest: ReturnType<typeof ingestLoop>;
    let killed: number;
    const liveness: number[] = [];

    beforeAll(async () => {
      ingest = ingestLoop(api, appId);
      await eventually(async () => ingest.count() >= 20, 60_000, '20 acknowledged messages');
      killed = postmasterPid(install.dataDir);
      process.kill(killed, 'SIGKILL');
      const acknowledgedAtKill = ingest.count();
      // Recovered: messages are acknowledged again after the kill.
      await eventually(
        async () => {
          const live = await api().get('/health/live');
          liveness.push(live.status);
          return ingest.count() >= acknowledgedAtKill + 20;
        },
        RECOVERY_TIMEOUT_MS,
        'ingestion to recover after the postmaster was killed',
      );
      await ingest.stop();
    }, RECOVERY_TIMEOUT_MS + 60_000);

    it('restarts its own PostgreSQL (a new postmaster) and says so in the log', () => {
      const log = service.output();

      expect({
        oldRunning: isRunning(killed),
        newPostmaster: postmasterPid(install.dataDir) !== killed,
        noticed: log.includes('embedded PostgreSQL exited unexpectedly'),
        restarted: log.includes('embedded PostgreSQL restarted'),
      }).toEqual({ oldRunning: false, newPostmaster: true, noticed: true, restarted: true });
    });

    it('stays live while it recovers (nothing to restart it for)', () => {
      expect(liveness.filter((s) => s !== 200)).toEqual([]);
    });

    it(
      'delivers every message it acknowledged with 202',
      async () => {
        const expected = [...ingest.acknowledged].sort((a, b) => a - b);

        const missing = await eventually(
          async () => {
            const delivered = deliveredSeqs(receiver);
            const notYet = expected.filter((n) => !delivered.has(n));
            return notYet.length === 0 ? notYet : undefined;
          },
          RECOVERY_TIMEOUT_MS,
          'every acknowledged message to be delivered',
        ).catch(() => expected.filter((n) => !deliveredSeqs(receiver).has(n)));

        expect(missing).toEqual([]);
      },
      RECOVERY_TIMEOUT_MS + 10_000,
    );
  });

  describe('the service itself is SIGKILLed (its postmaster left running), then started again', () => {
    let leftover: number;
    let ingest: ReturnType<typeof ingestLoop>;

    beforeAll(async () => {
      ingest = ingestLoop(api, appId);
      await eventually(async () => ingest.count() >= 10, 60_000, '10 acknowledged messages');
      leftover = postmasterPid(install.dataDir);
      await service.stop('SIGKILL');
      await ingest.stop();
      service = await install.start();
    }, START_TIMEOUT_MS + 60_000);

    it('stops the leftover postmaster of its DATA_DIR and starts', () => {
      expect({
        leftoverRunning: isRunning(leftover),
        logged: service.output().includes('stopping it'),
      }).toEqual({ leftoverRunning: false, logged: true });
    });

    it(
      'delivers every message acknowledged before the kill',
      async () => {
        const expected = [...ingest.acknowledged];

        const missing = await eventually(
          async () => {
            const delivered = deliveredSeqs(receiver);
            return expected.every((n) => delivered.has(n)) ? [] : undefined;
          },
          RECOVERY_TIMEOUT_MS,
          'every acknowledged message to be delivered',
        ).catch(() => expected.filter((n) => !deliveredSeqs(receiver).has(n)));

        expect(missing).toEqual([]);
      },
      RECOVERY_TIMEOUT_MS + 10_000,
    );
  });

  describe('a DATA_DIR the embedded server user cannot enter (running as root)', () => {
    const asRoot = process.getuid?.() === 0;

    it('fails naming the folder and the permission it needs', async () => {
      const privateDir = mkdtempSync(join(tmpdir(), 'hookrelay-private-')); // mode 0700
      try {
        // Not root: PostgreSQL would run as the owner and start; check as a foreign account.
        const problem = asRoot
          ? await startEmbeddedDatabase({ dataDir: privateDir, port: await freePort() }).then(
              () => 'started',
              (err: Error) => err.message,
            )
          : unreachableFolderProblem(join(privateDir, 'postgres'), { uid: 1e6, gid: 1e6 });

        expect(problem).toContain(`cannot enter ${privateDir} (mode 0700`);
      } finally {
        rmSync(privateDir, { recursive: true, force: true });
      }
    });
  });
});
