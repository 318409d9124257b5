import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '../../database/pg-pool';
import { requeueNowSet, WAKE_WORKERS_SQL } from '../../endpoints/endpoints.repository';

export interface DeliveryRecordRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AttemptRecordRow {
  id: string;
  delivery_id: string;
  message_id: string;
  endpoint_id: string;
  attempt: number;
  succeeded: boolean;
  status_code: number | null;
  error_class: string | null;
  error: string | null;
  response_body: string | null;
  duration_ms: number;
  created_at: Date;
}

/** What a manual re-queue did: re-queued, or why not. */
export type RequeueOutcome = 'requeued' | 'in_flight' | 'endpoint_disabled';

const DELIVERY_COLUMNS =
  'id, message_id, endpoint_id, status, attempts, next_attempt_at, last_attempt_at, last_status_code, last_error, created_at, updated_at';
const ATTEMPT_COLUMNS =
  'id, delivery_id, message_id, endpoint_id, attempt, succeeded, status_code, error_class, error, response_body, duration_ms, created_at';

/** Cold-path reads and the operator's re-queue writes; keyset pagination on ULID ids. */
@Injectable()
export class DeliveriesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async messageExists(appId: string, messageId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM message WHERE id = $1 AND app_id = $2',
      [messageId, appId],
    );
    return (rowCount ?? 0) > 0;
  }

  async endpointExists(appId: string, endpointId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM endpoint WHERE id = $1 AND app_id = $2 AND deleted_at IS NULL',
      [endpointId, appId],
    );
    return (rowCount ?? 0) > 0;
  }

  async findDelivery(appId: string, deliveryId: string): Promise<DeliveryRecordRow | null> {
    const { rows } = await this.pool.query<DeliveryRecordRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM delivery WHERE id = $1 AND app_id = $2`,
      [deliveryId, appId],
    );
    return rows[0] ?? null;
  }

  async deliveriesOfMessage(
    messageId: string,
    limit: number,
    after: string | undefined,
    endpointIds: readonly string[] | null = null,
  ): Promise<DeliveryRecordRow[]> {
    const { rows } = await this.pool.query<DeliveryRecordRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM delivery WHERE message_id = $1 AND ($2::text IS NULL OR id > $2)
          AND ($4::text[] IS NULL OR endpoint_id = ANY($4)) ORDER BY id LIMIT $3`,
      [messageId, after ?? null, limit + 1, endpointIds],
    );
    return rows;
  }

  /** Newest first. */
  async attemptsOfMessage(
    messageId: string,
    limit: number,
    before: string | undefined,
    endpointIds: readonly string[] | null = null,
  ): Promise<AttemptRecordRow[]> {
    const { rows } = await this.pool.query<AttemptRecordRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM attempt WHERE message_id = $1 AND ($2::text IS NULL OR id < $2)
          AND ($4::text[] IS NULL OR endpoint_id = ANY($4)) ORDER BY id DESC LIMIT $3`,
      [messageId, before ?? null, limit + 1, endpointIds],
    );
    return rows;
  }

  /** Newest first along attempt_endpoint_idx (endpoint_id, id DESC). */
  async attemptsOfEndpoint(
    endpointId: string,
    succeeded: boolean | null,
    limit: number,
    before: string | undefined,
  ): Promise<AttemptRecordRow[]> {
    const { rows } = await this.pool.query<AttemptRecordRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM attempt
        WHERE endpoint_id = $1 AND ($2::boolean IS NULL OR succeeded = $2) AND ($3::text IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $4`,
      [endpointId, succeeded, before ?? null, limit + 1],
    );
    return rows;
  }

  /**
   * Due now with a fresh retry window (see requeueNowSet), whatever its state except in
   * flight or cancelled; the NOTIFY (delivered on commit) wakes an idle worker at once. Not
   * while its endpoint is disabled: the endpoint row is read FOR SHARE first, so a concurrent
   * disable either committed before (seen here) or waits and then parks the row itself.
   */
  async requeue(deliveryId: string, endpointId: string, now: Date): Promise<RequeueOutcome> {
    return this.inTransaction(async (client) => {
      if (await this.endpointDisabled(client, endpointId)) return 'endpoint_disabled';
      const { rowCount } = await client.query(
        `UPDATE delivery SET status = 'pending', lease_until = NULL, ${requeueNowSet('$2')}
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
   * endpoint is disabled (read FOR SHARE, as in requeue).
   */
  async requeueFailed(endpointId: string, since: Date, now: Date): Promise<number | null> {
    return this.inTransaction(async (client) => {
      if (await this.endpointDisabled(client, endpointId)) return null;
      const { rowCount } = await client.query(
        `UPDATE delivery SET status = 'pending', ${requeueNowSet('$3')}
          WHERE endpoint_id = $1 AND status = 'failed' AND created_at >= $2`,
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
