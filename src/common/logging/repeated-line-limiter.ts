/**
 * Rate-limits identical log lines: while the database was down, every rejected request
 * logged the same error line (2,940 lines in 40 s), burying the one line that said why. The
 * first line of a kind is written; repeats within `windowMs` are counted, not written; the
 * next one after the window is written with the count of those left out. A kind is the level,
 * context and message text, so lines differing only in ids (errorId, requestId) are repeats.
 * Pure: the caller passes the time.
 */
export const REPEATED_LINE_WINDOW_MS = 10_000;
/** Kinds remembered at once; past this the oldest are forgotten (their counts are lost). */
const MAX_KINDS = 1_000;

export type LineDecision = { write: false } | { write: true; suppressed: number };

export class RepeatedLineLimiter {
  private readonly kinds = new Map<string, { since: number; suppressed: number }>();

  constructor(private readonly windowMs: number = REPEATED_LINE_WINDOW_MS) {}

  decide(kind: string, now: number): LineDecision {
    const seen = this.kinds.get(kind);
    if (seen !== undefined && now - seen.since < this.windowMs) {
      seen.suppressed++;
      return { write: false };
    }
    const suppressed = seen?.suppressed ?? 0;
    this.kinds.delete(kind);
    if (this.kinds.size >= MAX_KINDS) {
      const oldest = this.kinds.keys().next().value;
      if (oldest !== undefined) this.kinds.delete(oldest);
    }
    this.kinds.set(kind, { since: now, suppressed: 0 });
    return { write: true, suppressed };
  }
}
