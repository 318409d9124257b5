import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { CLOCK, type Clock } from '../../common/clock';
import { PortalSessionsRepository } from './portal-sessions.repository';

/** Ended sessions are kept a day (to tell "expired" from "invalid" in the meantime). */
const KEEP_ENDED_MS = 86_400_000;
const BATCH = 5_000;

/**
 * Deletes portal sessions a day after they expired or were revoked, so a busy portal does not
 * grow the table for ever. Idempotent: several API processes may run it at once.
 */
@Injectable()
export class PortalSessionPurge {
  private readonly logger = new Logger(PortalSessionPurge.name);

  constructor(
    private readonly sessions: PortalSessionsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Interval('portal-session-purge', 3_600_000)
  async scheduledRun(): Promise<void> {
    try {
      await this.runOnce();
    } catch (err) {
      this.logger.error(
        { err: { message: err instanceof Error ? err.message : String(err) } },
        'portal session purge failed; retried next hour',
      );
    }
  }

  /** Rows removed. */
  async runOnce(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - KEEP_ENDED_MS);
    let removed = 0;
    for (;;) {
      const batch = await this.sessions.purgeEnded(before, BATCH);
      removed += batch;
      if (batch < BATCH) return removed;
    }
  }
}
