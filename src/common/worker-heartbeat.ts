/**
 * The delivery loop beats on every iteration; readiness fails when a process that runs a
 * worker has not beaten recently. Lives in common/ so health never imports the worker.
 */
export class WorkerHeartbeat {
  private last: number | null = null;

  beat(at: number = Date.now()): void {
    this.last = at;
  }

  /** null when no worker runs in this process. */
  lastBeatAt(): number | null {
    return this.last;
  }

  /** The worker calls this once at start, so readiness knows a loop is expected here. */
  expect(at: number = Date.now()): void {
    this.last ??= at;
  }
}
