import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';
import { WAKE_WORKERS_SQL } from './channels';
import type { QueueSession } from './queue-session';
import { requeueNowSet } from './sql/requeue.sql';

/**
 * Parks the pending deliveries of endpoints being disabled ($1 ids, $2 now): they stay
 * 'pending' (re-enabling resumes them) with no due time, so delivery_due_idx's `<= now` range
 * never reaches them. Left due, they sat at the head of the index — every claim of every
 * worker walked past them and the queue's oldest-due age grew forever. Run in the transaction
 * that disables; rows a worker holds then are parked when it hands them back. Held replay
 * rows ('infinity') stay held: re-enabling must not release a whole backfill at once.
 */
const PARK_DELIVERIES_SQL = `
UPDATE delivery SET next_attempt_at = NULL, updated_at = $2
 WHERE endpoint_id = ANY($1::text[]) AND status = 'pending' AND next_attempt_at IS NOT NULL
   AND next_attempt_at <> 'infinity'`;

/** Re-enabling ($1 id, $2 now): its parked deliveries are due now, with a fresh retry window. */
const RESUME_DELIVERIES_SQL = `
UPDATE delivery SET ${requeueNowSet('$2')}
 WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at IS NULL`;

/** Deleting ($1 id, $2 now): what it still had queued or in flight is cancelled, visibly. */
const CANCEL_FOR_DELETED_ENDPOINT_SQL = `UPDATE delivery
            SET status = 'cancelled', last_error = 'endpoint deleted', lease_until = NULL, next_attempt_at = NULL, updated_at = $2
          WHERE endpoint_id = $1 AND status IN ('pending', 'delivering')`;

/**
 * What happens to an endpoint's queued deliveries when the endpoint changes: disabled (park),
 * re-enabled (resume), deleted (cancel), circuit opened (hold). Park, resume and cancel run in
 * the caller's transaction, so they commit or roll back with the endpoint's own change.
 */
@Injectable()
export class EndpointQueueRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async park(tx: QueueSession, endpointIds: readonly string[], now: Date): Promise<void> {
    await tx.query(PARK_DELIVERIES_SQL, [endpointIds, now]);
  }

  /** Parked deliveries due now, and idle workers woken on commit. */
  async resume(tx: QueueSession, endpointId: string, now: Date): Promise<void> {
    await tx.query(RESUME_DELIVERIES_SQL, [endpointId, now]);
    await tx.query(WAKE_WORKERS_SQL);
  }

  async cancelForDeletedEndpoint(tx: QueueSession, endpointId: string, now: Date): Promise<void> {
    await tx.query(CANCEL_FOR_DELETED_ENDPOINT_SQL, [endpointId, now]);
  }

  /**
   * Moves the pending deliveries of just-opened circuits that would be due before the
   * cool-down ends to circuit_open_until (no attempt recorded, retry budget untouched): left
   * due, they sat at the head of delivery_due_idx and every claim of every worker walked past
   * them (the gate's exclusion is a heap filter, not an index condition): 0.58 of the plain
   * drain rate beside failing endpoints' 100k backlogs. They become due together when the
   * cool-down ends, so the half-open probe finds one at once. Separate from the transition
   * (whose statement stays short, so every gate closes at once); if it never runs, the gates
   * still exclude the rows, as before.
   */
  async hold(circuits: ReadonlyArray<{ id: string; until: Date }>, now: Date): Promise<number> {
    if (circuits.length === 0) return 0;
    const result = await this.pool.query({
      name: 'endpoint_health_hold_deliveries',
      text: `UPDATE delivery d SET next_attempt_at = c.until, updated_at = $3
               FROM unnest($1::text[], $2::timestamptz[]) AS c(endpoint_id, until)
              WHERE d.endpoint_id = c.endpoint_id AND d.status = 'pending' AND d.next_attempt_at < c.until`,
      values: [circuits.map((c) => c.id), circuits.map((c) => c.until), now],
    });
    return result.rowCount ?? 0;
  }
}
