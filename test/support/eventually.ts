/**
 * The one polling helper of the e2e tests: timing-sensitive tests wait on a condition, never on
 * a fixed sleep followed by an exact count (the machine running them is slow and shared).
 */
export interface EventuallyOptions {
  /** Give up after this long (generous: a loaded machine is slow). */
  timeoutMs?: number;
  /** Named in the timeout error. */
  what?: string;
  /** Pause between two checks. */
  intervalMs?: number;
}

/**
 * Polls until `check` returns a value other than undefined/false and resolves with it. A check
 * that throws (an `expect` that does not hold yet) is retried too; on timeout the last thrown
 * error is rethrown, so a failing assertion reports its own message.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      failure = err;
    }
    if (Date.now() > deadline) {
      if (failure !== undefined) throw failure;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** `eventually` for a check made of assertions: resolves once it runs without throwing. */
export async function eventuallyPasses(
  check: () => Promise<void>,
  options: EventuallyOptions = {},
): Promise<void> {
  await eventually(
    async () => {
      await check();
      return true;
    },
    options.timeoutMs ?? 10_000,
    options.what ?? 'the assertions to pass',
    options.intervalMs ?? 100,
  );
}
