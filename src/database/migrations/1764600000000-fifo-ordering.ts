import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ordered delivery (FIFO endpoints, per-key order):
 * - endpoint.ordering: 'none' (concurrent, as before) or 'fifo';
 * - message.ordering_key: the producer's key (shown by the feed; NULL when none);
 * - delivery.fifo_key / fifo_seq: set only on deliveries to a FIFO endpoint. fifo_key is the
 *   stream (the ordering key, '' for messages without one); fifo_seq comes from a sequence at
 *   insert, so a message accepted (committed) before another was posted has the lower number
 *   whatever the API processes' clocks say. Sequence values are handed out in call order across
 *   sessions (CACHE 1), which is what "accepted order" needs.
 * - delivery.fifo_ready: set when the stream's previous delivery finished (see the FIFO claim).
 *
 * delivery_due_idx now holds only unordered rows, so the unordered claim never walks FIFO rows
 * that must wait for their predecessor; FIFO rows have indexes of their own (due time; and
 * the unfinished rows of each stream in order, for the head test and the promotion).
 * Nullable columns without defaults: adding them rewrites no rows, and unordered rows stay as
 * they were (nulls cost nothing in the tuple's null bitmap).
 */
export class FifoOrdering1764600000000 implements MigrationInterface {
  name = 'FifoOrdering1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE endpoint ADD COLUMN ordering text NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'fifo'))`,
    );
    await q.query(`ALTER TABLE message ADD COLUMN ordering_key text`);
    await q.query(
      `ALTER TABLE delivery ADD COLUMN fifo_key text, ADD COLUMN fifo_seq bigint, ADD COLUMN fifo_ready boolean`,
    );
    await q.query(`CREATE SEQUENCE delivery_fifo_seq AS bigint CACHE 1`);
    await q.query(`DROP INDEX IF EXISTS delivery_due_idx`);
    await q.query(
      `CREATE INDEX delivery_due_idx ON delivery (next_attempt_at) WHERE status = 'pending' AND fifo_seq IS NULL`,
    );
    await q.query(
      `CREATE INDEX delivery_fifo_due_idx ON delivery (next_attempt_at) WHERE status = 'pending' AND fifo_seq IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX delivery_fifo_stream_idx ON delivery (endpoint_id, fifo_key, fifo_seq)
        WHERE fifo_seq IS NOT NULL AND status IN ('pending', 'delivering')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS delivery_fifo_stream_idx`);
    await q.query(`DROP INDEX IF EXISTS delivery_fifo_due_idx`);
    await q.query(`DROP INDEX IF EXISTS delivery_due_idx`);
    await q.query(
      `CREATE INDEX delivery_due_idx ON delivery (next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(`DROP SEQUENCE IF EXISTS delivery_fifo_seq`);
    await q.query(
      `ALTER TABLE delivery DROP COLUMN fifo_key, DROP COLUMN fifo_seq, DROP COLUMN fifo_ready`,
    );
    await q.query(`ALTER TABLE message DROP COLUMN ordering_key`);
    await q.query(`ALTER TABLE endpoint DROP COLUMN ordering`);
  }
}
