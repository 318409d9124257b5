import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A manual re-queue (retry route, recover, re-enabling an endpoint) starts a fresh retry
 * window: without it a delivery past its 24 h window (or at the end of a custom schedule)
 * got exactly one attempt and was failed — and reported exhausted — again. `attempts` keeps
 * counting for the log; the retry policy counts from these instead:
 * - retry_window_start: when the current window began (NULL: at first_attempt_at);
 * - retry_schedule_base: attempts made before it (the schedule restarts after them).
 * Constant defaults: adding them rewrites no rows.
 */
export class DeliveryRetryWindow1764100000000 implements MigrationInterface {
  name = 'DeliveryRetryWindow1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE delivery ADD COLUMN retry_window_start timestamptz,
                            ADD COLUMN retry_schedule_base integer NOT NULL DEFAULT 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE delivery DROP COLUMN retry_window_start, DROP COLUMN retry_schedule_base',
    );
  }
}
