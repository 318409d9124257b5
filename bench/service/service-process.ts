import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { request } from 'undici';
import { sleep } from '../shared/clock';

export type Role = 'api' | 'worker' | 'all';

export interface ServiceOptions {
  role: Role;
  port: number;
  databaseUrl: string;
  apiKey: string;
  encryptionKey: string;
  logFile: string;
  /** When set, the process runs with --cpu-prof and writes its profile here on exit. */
  profileDir?: string;
  env?: Record<string, string>;
}

const BUILD = resolve(__dirname, '../../../dist');
/** Inside dist-bench/, so node_modules still resolves from the repository root. */
const SNAPSHOT = resolve(__dirname, '../../service-build');
const MAIN = resolve(SNAPSHOT, 'main.js');

/**
 * Copies dist/ (just built by `npm run bench`) to dist-bench/service-build/ and runs the
 * service from there: others rebuilding dist/ in the same tree mid-run (nest build deletes it
 * first) must not pull the service out from under a benchmark that takes minutes.
 */
export function snapshotServiceBuild(): void {
  if (!existsSync(resolve(BUILD, 'main.js')))
    throw new Error(`${BUILD}/main.js not found: run npm run build`);
  rmSync(SNAPSHOT, { recursive: true, force: true });
  cpSync(BUILD, SNAPSHOT, { recursive: true });
}
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** Reads a `Vm…: <n> kB` line of /proc/<pid>/status (Linux) in MB; null elsewhere. */
function procStatusMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | null {
  const file = `/proc/${pid}/status`;
  if (pid === undefined || !existsSync(file)) return null;
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
  return match === null ? null : Number(match[1]) / 1024;
}

/**
 * One service process (`node dist/main.js`) with the bench's environment: the runner's
 * database, fixed keys, private networks allowed (the receiver is on loopback), warn logs.
 */
export class ServiceProcess {
  private exitCode: number | null | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly options: ServiceOptions,
  ) {
    child.on('exit', (code, signal) => (this.exitCode = code ?? (signal === null ? null : -1)));
  }

  static async start(options: ServiceOptions): Promise<ServiceProcess> {
    const args =
      options.profileDir === undefined
        ? [MAIN]
        : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, MAIN];
    const child = spawn(process.execPath, args, {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        ROLE: options.role,
        PORT: String(options.port),
        HOST: '127.0.0.1',
        DATABASE_URL: options.databaseUrl,
        ADMIN_API_KEYS: options.apiKey,
        SECRETS_ENCRYPTION_KEY: options.encryptionKey,
        DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const service = new ServiceProcess(child, options);
    await service.waitReady();
    return service;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  rssMb(): number | null {
    return procStatusMb(this.child.pid, 'VmRSS');
  }

  /** The kernel's high-water mark of the resident set since the process started. */
  peakRssMb(): number | null {
    return procStatusMb(this.child.pid, 'VmHWM');
  }

  private async status(path: string): Promise<number | null> {
    try {
      const res = await request(`${this.origin}${path}`, {
        headers: { authorization: `Bearer ${this.options.apiKey}` },
        headersTimeout: 2_000,
        bodyTimeout: 2_000,
      });
      await res.body.dump();
      return res.statusCode;
    } catch {
      return null;
    }
  }

  /**
   * Ready when GET /health/ready answers 200. Without a health route (404): the API is ready
   * when GET /api/v1/apps answers 200; a worker as soon as its HTTP server answers at all
   * (it listens only after the Nest context has started).
   */
  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined) break;
      const health = await this.status('/health/ready');
      if (health === 200) return;
      if (health === 404) {
        if (this.options.role === 'worker') return;
        if ((await this.status('/api/v1/apps')) === 200) return;
      }
      await sleep(100);
    }
    await this.stop();
    throw new Error(
      `${this.options.role} process not ready (exit ${String(this.exitCode)}); see ${this.options.logFile}`,
    );
  }

  /** SIGTERM (graceful: the profile is written on exit), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
