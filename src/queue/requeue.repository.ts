import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '../database/pg-pool';
import { WAKE_WORKERS_SQL } from './channels';
import { requeueNowSet } from './sql/requeue.sql';

/** What a manual re-queue did: re-queued, or why not. */
export type RequeueOutcome = 'requeued' | 'in_flight' | 'endpoint_disabled';

/**
 * SET clause of a manual re-queue of a FIFO delivery that had finished: it goes to the end of
 * its stream with a new number (after every delivery of its key accepted before the re-queue),
 * so it never runs beside, or jumps ahead of, deliveries already queued. $new_seq is the
 * number, NULL for unordered rows (whose fifo_seq stays NULL).
 */
function requeueAtStreamEnd(newSeq: string): string {
  return `fifo_seq = ${newSeq}, fifo_ready = NULL`;
}
const NEXT_FIFO_SEQ = `nextval('delivery_fifo_seq')`;

/** The operator's re-queues (retry one delivery, recover an endpoint's failed ones). */
@Injectable()
export class RequeueRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Due now with a fresh retry window (see requeueNowSet), whatever its state except in
   * flight or cancelled; the NOTIFY (delivered on commit) wakes an idle worker at once. Not
   * while its endpoint is disabled: the endpoint row is read FOR SHARE first, so a concurrent
   * disable either committed before (seen here) or waits and then parks the row itself.
   * A finished FIFO delivery goes to the end of its stream (requeueAtStreamEnd); a pending one
   * keeps its place (due now: sent at once if it is its stream's head, else when its turn comes).
   */
  async requeue(deliveryId: string, endpointId: string, now: Date): Promise<RequeueOutcome> {
    return this.inTransaction(async (client) => {
      if (await this.endpointDisabled(client, endpointId)) return 'endpoint_disabled';
      const { rowCount } = await client.query(
        `UPDATE delivery SET status = 'pending', lease_until = NULL, ${requeueNowSet('$2')},
                ${requeueAtStreamEnd(`CASE WHEN fifo_seq IS NOT NULL AND status <> 'pending' THEN ${NEXT_FIFO_SEQ} ELSE fifo_seq END`)}
          WHERE id = $1 AND status IN ('pending', 'succeeded', 'failed')`,
        [deliveryId, now],
      );
      if ((rowCount ?? 0) === 0) return 'in_flight';
      await client.query(WAKE_WORKERS_SQL);
      return 'requeued';
    });
  }

  /**
   * Failed deliveries of the endpoint created since `since`, due now with a fresh retry
   * window; one statement along delivery_endpoint_idx (endpoint_id, status). null while the
   * endpoint is disabled (read FOR SHARE, as in requeue). FIFO deliveries go to the end of
   * their streams in their original order (numbers drawn after sorting by the old ones).
   */
  async requeueFailed(endpointId: string, since: Date, now: Date): Promise<number | null> {
    return this.inTransaction(async (client) => {
      if (await this.endpointDisabled(client, endpointId)) return null;
      const { rowCount } = await client.query(
        `WITH failed AS (
           SELECT id, CASE WHEN fifo_seq IS NOT NULL THEN ${NEXT_FIFO_SEQ} END AS new_seq
             FROM delivery WHERE endpoint_id = $1 AND status = 'failed' AND created_at >= $2
            ORDER BY fifo_seq
         )
         UPDATE delivery d SET status = 'pending', ${requeueNowSet('$3')}, ${requeueAtStreamEnd('f.new_seq')}
           FROM failed f
          WHERE d.id = f.id AND d.status = 'failed'`,
        [endpointId, since, now],
      );
      const requeued = rowCount ?? 0;
      if (requeued > 0) await client.query(WAKE_WORKERS_SQL);
      return requeued;
    });
  }

  private async endpointDisabled(client: PoolClient, endpointId: string): Promise<boolean> {
    const { rows } = await client.query<{ disabled: boolean }>(
      'SELECT disabled FROM endpoint WHERE id = $1 FOR SHARE',
      [endpointId],
    );
    return rows[0]?.disabled === true;
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
