import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-endpoint, per-minute attempt counters kept by the worker (one upsert per recorded
 * batch), so the console's charts and the overview's rates read at most 1,440 small rows per
 * endpoint and day instead of scanning the attempt log. `minute_stats_minute_idx` serves the
 * all-endpoints sums of the overview and the pruning of old minutes.
 */
export class EndpointMinuteStats1764400000000 implements MigrationInterface {
  name = 'EndpointMinuteStats1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE endpoint_minute_stats (
        endpoint_id     text NOT NULL,
        minute          timestamptz NOT NULL,
        succeeded       integer NOT NULL DEFAULT 0,
        failed          integer NOT NULL DEFAULT 0,
        duration_ms_sum bigint NOT NULL DEFAULT 0,
        duration_ms_max integer NOT NULL DEFAULT 0,
        PRIMARY KEY (endpoint_id, minute)
      )`);
    await q.query(`CREATE INDEX minute_stats_minute_idx ON endpoint_minute_stats (minute)`);
    // The overview's list of endpoints that need attention, across apps, without a scan.
    await q.query(
      `CREATE INDEX endpoint_troubled_idx ON endpoint (id)
        WHERE deleted_at IS NULL AND (disabled OR circuit_open_until IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS endpoint_troubled_idx');
    await q.query('DROP TABLE IF EXISTS endpoint_minute_stats');
  }
}
