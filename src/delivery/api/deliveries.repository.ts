import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../database/pg-pool';

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
  ): Promise<DeliveryRecordRow[]> {
    const { rows } = await this.pool.query<DeliveryRecordRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM delivery WHERE message_id = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [messageId, after ?? null, limit + 1],
    );
    return rows;
  }

  /** Newest first. */
  async attemptsOfMessage(
    messageId: string,
    limit: number,
    before: string | undefined,
  ): Promise<AttemptRecordRow[]> {
    const { rows } = await this.pool.query<AttemptRecordRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM attempt WHERE message_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [messageId, before ?? null, limit + 1],
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
   * Due now, whatever its state except in flight or cancelled; the NOTIFY (delivered on
   * commit) wakes an idle worker at once. Returns false when the delivery is being sent.
   */
  async requeue(deliveryId: string, now: Date): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rowCount } = await client.query(
        `UPDATE delivery SET status = 'pending', next_attempt_at = $2, lease_until = NULL, updated_at = $2
          WHERE id = $1 AND status IN ('pending', 'succeeded', 'failed')`,
        [deliveryId, now],
      );
      await client.query(`SELECT pg_notify('hookrelay_deliveries', '')`);
      await client.query('COMMIT');
      return (rowCount ?? 0) > 0;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** One statement along delivery_endpoint_idx (endpoint_id, status). */
  async requeueFailed(endpointId: string, since: Date, now: Date): Promise<number> {
    const { rows } = await this.pool.query<{ requeued: number }>(
      `WITH requeued AS (
         UPDATE delivery SET status = 'pending', next_attempt_at = $3, updated_at = $3
          WHERE endpoint_id = $1 AND status = 'failed' AND created_at >= $2
         RETURNING 1)
       SELECT count(*)::int AS requeued, pg_notify('hookrelay_deliveries', '') FROM requeued`,
      [endpointId, since, now],
    );
    return rows[0]?.requeued ?? 0;
  }
}
