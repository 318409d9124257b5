import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';

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
  ordering_key: string | null;
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
  ordering_key: string | null;
  created_at: Date;
}

/**
 * Read as `d` joined with its message `m` (for the ordering key). A held replay delivery waits
 * with next_attempt_at = 'infinity' (which pg would hand back as the number Infinity): shown
 * as null, like a parked one, until a worker sweep releases it.
 */
const DELIVERY_COLUMNS =
  "d.id, d.message_id, d.endpoint_id, d.status, d.attempts, nullif(d.next_attempt_at, 'infinity') AS next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error, m.ordering_key, d.created_at, d.updated_at";
/** Read as `a` joined with its message `m` (for the ordering key). */
const ATTEMPT_COLUMNS =
  'a.id, a.delivery_id, a.message_id, a.endpoint_id, a.attempt, a.succeeded, a.status_code, a.error_class, a.error, a.response_body, a.duration_ms, m.ordering_key, a.created_at';
const WITH_MESSAGE_OF_DELIVERY = 'delivery d LEFT JOIN message m ON m.id = d.message_id';
const WITH_MESSAGE_OF_ATTEMPT = 'attempt a LEFT JOIN message m ON m.id = a.message_id';

export interface FirstAttemptRow {
  succeeded: boolean;
  status_code: number | null;
  duration_ms: number;
  error_class: string | null;
  response_body: string | null;
}

export interface DeliveryStatusRow {
  id: string;
  endpointId: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  updatedAt: Date;
}

export interface ReplayCandidate {
  id: string;
  eventType: string;
  payloadText: string;
  createdAt: Date;
  test: boolean;
  /** The endpoint already has a delivery of this message. */
  delivered: boolean;
}

/**
 * Cold-path reads of delivery and attempt rows for the API: the deliveries and attempts routes,
 * the message feed's delivery statuses, replay's "already delivered" check. Keyset pagination
 * on ULID ids. The re-queue writes are RequeueRepository's.
 */
@Injectable()
export class QueueReadsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * The first attempt of a delivery, once recorded (the test-event route waits for it). By
   * message id: attempt has an index on message_id, not on delivery_id.
   */
  async firstAttemptOf(messageId: string, deliveryId: string): Promise<FirstAttemptRow | null> {
    const { rows } = await this.pool.query<FirstAttemptRow>(
      `SELECT succeeded, status_code, duration_ms, error_class, response_body
         FROM attempt WHERE message_id = $1 AND delivery_id = $2 ORDER BY attempt LIMIT 1`,
      [messageId, deliveryId],
    );
    return rows[0] ?? null;
  }

  async findDelivery(appId: string, deliveryId: string): Promise<DeliveryRecordRow | null> {
    const { rows } = await this.pool.query<DeliveryRecordRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM ${WITH_MESSAGE_OF_DELIVERY} WHERE d.id = $1 AND d.app_id = $2`,
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
      `SELECT ${DELIVERY_COLUMNS} FROM ${WITH_MESSAGE_OF_DELIVERY}
        WHERE d.message_id = $1 AND ($2::text IS NULL OR d.id > $2)
          AND ($4::text[] IS NULL OR d.endpoint_id = ANY($4)) ORDER BY d.id LIMIT $3`,
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
      `SELECT ${ATTEMPT_COLUMNS} FROM ${WITH_MESSAGE_OF_ATTEMPT}
        WHERE a.message_id = $1 AND ($2::text IS NULL OR a.id < $2)
          AND ($4::text[] IS NULL OR a.endpoint_id = ANY($4)) ORDER BY a.id DESC LIMIT $3`,
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
      `SELECT ${ATTEMPT_COLUMNS} FROM ${WITH_MESSAGE_OF_ATTEMPT}
        WHERE a.endpoint_id = $1 AND ($2::boolean IS NULL OR a.succeeded = $2) AND ($3::text IS NULL OR a.id < $3)
        ORDER BY a.id DESC LIMIT $4`,
      [endpointId, succeeded, before ?? null, limit + 1],
    );
    return rows;
  }

  /**
   * One bounded page of the app's messages with ids in [fromId, toId), oldest first, each
   * with whether `endpointId` already has a delivery for it. The LIMIT applies before the
   * per-message delivery check, so a window whose messages were all delivered already still
   * costs one page per call (message_app_idx, then delivery_message_idx per row).
   */
  async replayPage(
    appId: string,
    endpointId: string,
    fromId: string,
    toId: string,
    limit: number,
  ): Promise<ReplayCandidate[]> {
    const { rows } = await this.pool.query<{
      id: string;
      event_type: string;
      payload: string;
      created_at: Date;
      test: boolean;
      delivered: boolean;
    }>(
      `SELECT p.id, p.event_type, p.payload, p.created_at, p.test,
              EXISTS (SELECT 1 FROM delivery d WHERE d.message_id = p.id AND d.endpoint_id = $2) AS delivered
         FROM (SELECT id, event_type, payload, created_at, test FROM message
                WHERE app_id = $1 AND id >= $3 AND id < $4 ORDER BY id LIMIT $5) p
        ORDER BY p.id`,
      [appId, endpointId, fromId, toId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      eventType: r.event_type,
      payloadText: r.payload,
      createdAt: r.created_at,
      test: r.test,
      delivered: r.delivered,
    }));
  }

  /** The message feed's per-message view: every delivery of the message, in id order. */
  async deliveryStatusesOf(messageId: string): Promise<DeliveryStatusRow[]> {
    const { rows } = await this.pool.query<{
      id: string;
      endpoint_id: string;
      status: string;
      attempts: number;
      next_attempt_at: Date | null;
      last_status_code: number | null;
      last_error: string | null;
      updated_at: Date;
    }>(
      `SELECT id, endpoint_id, status, attempts, nullif(next_attempt_at, 'infinity') AS next_attempt_at, last_status_code, last_error, updated_at
         FROM delivery WHERE message_id = $1 ORDER BY id`,
      [messageId],
    );
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      updatedAt: r.updated_at,
    }));
  }
}
