import type { ChildProcess } from 'node:child_process';

/**
 * Waits between restarts of a postmaster that died: the first try comes quickly (a killed
 * postmaster's backends need a moment to exit and release shared memory), then backs off.
 * About a minute in all before the service gives up.
 */
export const EMBEDDED_RESTART_DELAYS_MS: readonly number[] = [
  500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000,
];

/** What the supervisor needs of the embedded server: the package's instance, seen narrowly. */
export interface SupervisedServer {
  start(): Promise<void>;
  /** The postmaster's child process while one runs. */
  child(): ChildProcess | undefined;
}

export interface SupervisorLog {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * Notices the embedded postmaster's exit and restarts it with backoff, logging each step.
 * Before, a killed postmaster went unnoticed: the API answered 503 for good and liveness
 * stayed 200, so nothing restarted the service. When every restart fails the supervisor gives
 * up: `failure()` then says why (liveness fails on it) and `onGiveUp` stops the service.
 */
export class EmbeddedPostgresSupervisor {
  private stopping = false;
  private failed: string | null = null;
  private restarting: Promise<void> | null = null;

  constructor(
    private readonly server: SupervisedServer,
    private readonly log: SupervisorLog,
    private readonly onGiveUp: (reason: string) => void,
    private readonly delays: readonly number[] = EMBEDDED_RESTART_DELAYS_MS,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((done) => setTimeout(done, ms).unref()),
  ) {}

  /** Call after each successful start. */
  watch(): void {
    const child = this.server.child();
    child?.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.restarting = this.restart(code, signal);
    });
  }

  /** Why the embedded database is gone for good; null while it runs or is being restarted. */
  failure(): string | null {
    return this.failed;
  }

  /** Before a deliberate stop: an exit from now on is expected. Waits for a restart under way. */
  async stopWatching(): Promise<void> {
    this.stopping = true;
    await this.restarting;
  }

  private async restart(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const exit = signal !== null ? `signal ${signal}` : `code ${String(code)}`;
    this.log.error({ exit }, `embedded PostgreSQL exited unexpectedly (${exit}); restarting it`);
    let lastError = '';
    for (let attempt = 1; attempt <= this.delays.length; attempt++) {
      await this.sleep(this.delays[attempt - 1]);
      if (this.stopping) return;
      try {
        await this.server.start();
        this.log.warn({ attempt }, 'embedded PostgreSQL restarted');
        this.watch();
        return;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        this.log.error(
          { attempt, err: { message: lastError } },
          'embedded PostgreSQL restart failed',
        );
      }
    }
    this.failed =
      `embedded PostgreSQL exited (${exit}) and ${this.delays.length} restarts failed; ` +
      `last error: ${lastError}`;
    this.onGiveUp(this.failed);
  }
}
