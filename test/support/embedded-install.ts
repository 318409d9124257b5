import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServiceProcess, type ServiceProcess } from './service-process';

/** A new temp folder for DATA_DIR, removed by the caller. */
export function newDataDir(prefix: string): string {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  // mkdtemp makes it 0700; as root, PostgreSQL runs as the `postgres` user, who must enter it.
  chmodSync(dataDir, 0o755);
  return dataDir;
}

/** The postmaster of the cluster in `dataDir`, from its pid file. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** Whether `pid` is running (Linux /proc); an exited process not yet reaped (a zombie) is not. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state …": comm may hold spaces, so read after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The embedded default as `npm start` runs it on a fresh clone: no DATABASE_URL and no keys,
 * everything generated into one DATA_DIR, its PostgreSQL on a port of its own.
 */
export interface EmbeddedInstall {
  readonly dataDir: string;
  readonly postgresPort: number;
  /** A `ROLE=all` process on this DATA_DIR; the first start runs initdb and generates the keys. */
  start(): Promise<ServiceProcess>;
  /** The admin key the first start generated into DATA_DIR. */
  adminKey(): string;
  /**
   * Ends every process started (SIGTERM, not SIGKILL: a killed one would leave its PostgreSQL
   * running), then removes DATA_DIR.
   */
  remove(): Promise<void>;
}

export async function prepareEmbeddedInstall(options: {
  dataDirPrefix: string;
  /** initdb, the migrations and a first start on a loaded machine take long. */
  readyTimeoutMs: number;
  env?: Record<string, string>;
}): Promise<EmbeddedInstall> {
  const dataDir = newDataDir(options.dataDirPrefix);
  const postgresPort = await freePort();
  const started: ServiceProcess[] = [];
  return {
    dataDir,
    postgresPort,
    async start() {
      const service = await startServiceProcess({
        role: 'all',
        env: { DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(postgresPort), ...options.env },
        readyTimeoutMs: options.readyTimeoutMs,
      });
      started.push(service);
      return service;
    },
    adminKey: () => readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim(),
    async remove() {
      await Promise.all(started.map((service) => service.stop('SIGTERM')));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
