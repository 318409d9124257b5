import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';
import type { MinuteCount } from './minute-counts';

/** One minute of an endpoint's attempts as read back. */
export interface MinuteStats {
  minute: Date;
  succeeded: number;
  failed: number;
  durationMsSum: number;
  durationMsMax: number;
}

/** All endpoints' attempts over a window. */
export interface AttemptTotals {
  succeeded: number;
  failed: number;
}

interface MinuteRow {
  minute: Date;
  succeeded: number;
  failed: number;
  duration_ms_sum: string;
  duration_ms_max: number;
}

/**
 * `endpoint_minute_stats`: the worker adds each recorded batch (raw SQL on the pool, next to
 * the hot path); the API reads series and totals. Every read is a range on an index.
 */
@Injectable()
export class EndpointStatsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * One statement per batch. Rows are sorted by key so two workers adding to the same
   * minutes lock them in the same order (no deadlock between concurrent upserts).
   */
  async add(counts: readonly MinuteCount[]): Promise<void> {
    if (counts.length === 0) return;
    const sorted = [...counts].sort((a, b) =>
      a.endpointId === b.endpointId
        ? a.minute.getTime() - b.minute.getTime()
        : a.endpointId < b.endpointId
          ? -1
          : 1,
    );
    await this.pool.query({
      name: 'endpoint_minute_stats_add',
      text: `INSERT INTO endpoint_minute_stats AS s (endpoint_id, minute, succeeded, failed, duration_ms_sum, duration_ms_max)
             SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::bigint[], $6::int[])
             ON CONFLICT (endpoint_id, minute) DO UPDATE
                SET succeeded = s.succeeded + EXCLUDED.succeeded,
                    failed = s.failed + EXCLUDED.failed,
                    duration_ms_sum = s.duration_ms_sum + EXCLUDED.duration_ms_sum,
                    duration_ms_max = GREATEST(s.duration_ms_max, EXCLUDED.duration_ms_max)`,
      values: [
        sorted.map((c) => c.endpointId),
        sorted.map((c) => c.minute),
        sorted.map((c) => c.succeeded),
        sorted.map((c) => c.failed),
        sorted.map((c) => c.durationMsSum),
        sorted.map((c) => c.durationMsMax),
      ],
    });
  }

  /** The minutes in [since, until) that had attempts, oldest first (at most one row a minute). */
  async series(endpointId: string, since: Date, until: Date): Promise<MinuteStats[]> {
    const { rows } = await this.pool.query<MinuteRow>(
      `SELECT minute, succeeded, failed, duration_ms_sum, duration_ms_max
         FROM endpoint_minute_stats
        WHERE endpoint_id = $1 AND minute >= $2 AND minute < $3
        ORDER BY minute`,
      [endpointId, since, until],
    );
    return rows.map((r) => ({
      minute: r.minute,
      succeeded: r.succeeded,
      failed: r.failed,
      durationMsSum: Number(r.duration_ms_sum),
      durationMsMax: r.duration_ms_max,
    }));
  }

  /** Every endpoint's attempts in [since, until): one index range over the minute column. */
  async totals(since: Date, until: Date): Promise<AttemptTotals> {
    const { rows } = await this.pool.query<{ succeeded: string | null; failed: string | null }>(
      `SELECT sum(succeeded) AS succeeded, sum(failed) AS failed
         FROM endpoint_minute_stats WHERE minute >= $1 AND minute < $2`,
      [since, until],
    );
    return { succeeded: Number(rows[0].succeeded ?? 0), failed: Number(rows[0].failed ?? 0) };
  }

  /** Forgets minutes before `before`; returns how many rows went. */
  async prune(before: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM endpoint_minute_stats WHERE minute < $1', [
      before,
    ]);
    return result.rowCount ?? 0;
  }
}
