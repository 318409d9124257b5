import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';

/** Database-wide state of the queue and the endpoints, as of one instant. */
export interface QueueSnapshot {
  due: number;
  scheduled: number;
  leased: number;
  /** Seconds the most overdue pending delivery has waited past its due time (0 when none is due). */
  oldestDueAgeSeconds: number;
  openCircuits: number;
  disabledEndpoints: number;
}

/** A scrape must never queue up behind a slow database: past this the snapshot fails. */
const STATEMENT_TIMEOUT_MS = 2_000;

/**
 * One statement, every subquery on an index or a small table: the pending ones on the partial
 * delivery_due_idx (unordered rows) and delivery_fifo_due_idx (FIFO rows), one each, `delivering` on delivery_leased_idx, the
 * endpoint ones on a table with one row per customer endpoint. Parked deliveries (pending
 * with no next_attempt_at: their endpoint is disabled) are neither due nor scheduled — they
 * wait for a re-enable, and counting them would make the oldest-due age grow for ever. Nor are
 * FIFO deliveries waiting for an earlier one of their key (next_attempt_at = infinity).
 */
const SNAPSHOT_SQL = `
SELECT
  (SELECT count(*) FROM delivery WHERE status = 'pending' AND fifo_seq IS NULL AND next_attempt_at <= $1)::bigint
    + (SELECT count(*) FROM delivery WHERE status = 'pending' AND fifo_seq IS NOT NULL AND next_attempt_at <= $1)::bigint AS due,
  (SELECT count(*) FROM delivery WHERE status = 'pending' AND fifo_seq IS NULL AND next_attempt_at > $1)::bigint
    + (SELECT count(*) FROM delivery WHERE status = 'pending' AND fifo_seq IS NOT NULL AND next_attempt_at > $1
          AND next_attempt_at < 'infinity')::bigint AS scheduled,
  LEAST((SELECT min(next_attempt_at) FROM delivery WHERE status = 'pending' AND fifo_seq IS NULL AND next_attempt_at <= $1),
        (SELECT min(next_attempt_at) FROM delivery WHERE status = 'pending' AND fifo_seq IS NOT NULL AND next_attempt_at <= $1)) AS oldest_due_at,
  (SELECT count(*) FROM delivery WHERE status = 'delivering')::bigint AS leased,
  (SELECT count(*) FROM endpoint WHERE deleted_at IS NULL AND circuit_open_until > $1)::bigint AS open_circuits,
  (SELECT count(*) FROM endpoint WHERE deleted_at IS NULL AND disabled)::bigint AS disabled_endpoints`;

interface SnapshotRow {
  due: string;
  scheduled: string;
  oldest_due_at: Date | null;
  leased: string;
  open_circuits: string;
  disabled_endpoints: string;
}

@Injectable()
export class QueueStatsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async snapshot(now: Date): Promise<QueueSnapshot> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
      const { rows } = await client.query<SnapshotRow>(SNAPSHOT_SQL, [now]);
      await client.query('COMMIT');
      const row = rows[0];
      return {
        due: Number(row.due),
        scheduled: Number(row.scheduled),
        leased: Number(row.leased),
        oldestDueAgeSeconds:
          row.oldest_due_at === null
            ? 0
            : Math.max(0, (now.getTime() - row.oldest_due_at.getTime()) / 1000),
        openCircuits: Number(row.open_circuits),
        disabledEndpoints: Number(row.disabled_endpoints),
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
