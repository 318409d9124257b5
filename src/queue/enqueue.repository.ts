import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';

/**
 * Deliveries enqueued on their own, after their messages exist (replay). Ingest's fan-out and
 * the test event enqueue inside their message statement instead (sql/enqueue.sql.ts).
 */
@Injectable()
export class EnqueueRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Replay's deliveries: one pending row per message for `endpointId`.
   *
   * Held, not due: next_attempt_at = 'infinity', which the claim's due range (<= now) never
   * reaches; the workers' sweep releases them a batch at a time while the endpoint has little
   * due (DeliveryQueueRepository.releaseReplayed). All due at once, a backfill sat ahead of
   * every newer message in the due index and a worker kept claiming its older rows: live
   * messages to other endpoints waited up to 7.7 s in the 20k-replay e2e test; pacing the due
   * times at a fixed rate still let them wait > 20 s whenever the endpoint drained slower.
   *
   * Two replays of one endpoint could race between reading the page and inserting (there is
   * no unique (message, endpoint) index: ingest never needs one), so the insert takes a
   * transaction advisory lock on the endpoint and skips messages that meanwhile got a
   * delivery. Returns how many rows were inserted.
   */
  async insertReplayDeliveries(
    appId: string,
    endpointId: string,
    deliveries: ReadonlyArray<{ id: string; messageId: string }>,
    now: Date,
  ): Promise<number> {
    if (deliveries.length === 0) return 0;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`replay:${endpointId}`]);
      const { rowCount } = await client.query(
        // A FIFO endpoint's replayed rows join its streams instead (numbers drawn in the
        // messages' id order, due at once: the FIFO claim sends heads only and moves the rest
        // out of the due range; held rows of a stream would wait for a promotion that no
        // predecessor may ever make).
        `INSERT INTO delivery (id, app_id, message_id, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at, fifo_key, fifo_seq)
         SELECT d.id, $1, d.message_id, $2, 'pending', 0,
                CASE WHEN e.ordering = 'fifo' THEN $3 ELSE timestamptz 'infinity' END, $3, $3,
                CASE WHEN e.ordering = 'fifo' THEN COALESCE(m.ordering_key, '') END,
                CASE WHEN e.ordering = 'fifo' THEN nextval('delivery_fifo_seq') END
           FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS d(id, message_id, n)
           JOIN endpoint e ON e.id = $2
           LEFT JOIN message m ON m.id = d.message_id
          WHERE NOT EXISTS (SELECT 1 FROM delivery x WHERE x.message_id = d.message_id AND x.endpoint_id = $2)
          ORDER BY d.n`,
        [appId, endpointId, now, deliveries.map((d) => d.id), deliveries.map((d) => d.messageId)],
      );
      await client.query('COMMIT');
      return rowCount ?? 0;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
