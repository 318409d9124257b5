import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';
import { WAKE_WORKERS_SQL } from '../queue/channels';
import type { EventTypePattern } from '../subscriptions/matching';

export interface StoredMessage {
  id: string;
  eventType: string;
  eventId: string | null;
  orderingKey: string | null;
  createdAt: Date;
  /** Present when the query asked for it. */
  payloadText?: string;
  /** A test event (POST …/endpoints/{id}/test): delivered to that endpoint only. */
  test?: boolean;
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

export interface NewMessageRow {
  id: string;
  appId: string;
  createdAt: Date;
  eventType: string;
  eventId: string | null;
  orderingKey: string | null;
  payloadText: string;
  /** W3C traceparent of the ingest span (null: tracing off). */
  traceContext: string | null;
}

export interface NewDeliveryRow {
  id: string;
  messageId: string;
  endpointId: string;
  /** To a FIFO endpoint: queued in its message's stream (ordering key) with a sequence number. */
  ordered: boolean;
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

export interface IngestResult {
  /** Messages actually inserted; the others hit an existing (app_id, event_id). */
  insertedIds: Set<string>;
  deliveriesCreated: number;
}

export interface MessageFeedQuery {
  appId: string;
  limit: number;
  eventType?: EventTypePattern;
  eventId?: string;
  /** Exclusive upper bound on the id (cursor and/or `before`). */
  idBelow?: string;
  /** Inclusive lower bound on the id (`after`). */
  idAtLeast?: string;
  withPayload: boolean;
}

/**
 * The whole ingest in ONE statement (one round trip, one implicit transaction, so the answer
 * is sent only after commit): insert the messages skipping existing idempotency keys, then the
 * deliveries of the messages that were inserted (a delivery of a skipped repeat finds no
 * `inserted` row to join; it takes its message's app and time). The FK of delivery.message_id
 * is checked at the end of the statement, after both inserts. App and time are per row: a
 * statement carries a batch of one app, or a group of single messages of several apps
 * (MessageIngestCoalescer).
 * Deliveries to FIFO endpoints get their stream (the ordering key, '' for none) and a number
 * from delivery_fifo_seq, drawn in the order of the arrays (ORDER BY the ordinality: PostgreSQL
 * evaluates a volatile target list after the sort), so a batch's messages keep their order;
 * across statements a later number means a later nextval call, so a message accepted before
 * another was posted is ahead of it. Unordered deliveries draw nothing.
 * No NOTIFY here: PostgreSQL holds one database-wide lock from a notifying transaction's
 * pre-commit until its commit record is flushed, so a NOTIFY in every ingest serializes all
 * ingest commits (measured: ~5x fewer ingests/s). DeliveryWaker sends it after commit instead.
 */
const INGEST_SQL = `
WITH inserted AS (
  INSERT INTO message (id, app_id, event_type, event_id, payload, created_at, ordering_key, trace_context)
  SELECT m.id, m.app_id, m.event_type, m.event_id, m.payload, m.created_at, m.ordering_key, m.trace_context
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $10::text[], $12::text[])
      AS m(id, app_id, event_type, event_id, payload, created_at, ordering_key, trace_context)
  ON CONFLICT (app_id, event_id) WHERE event_id IS NOT NULL DO NOTHING
  RETURNING id, app_id, created_at, ordering_key
), fanned_out AS (
  INSERT INTO delivery (id, app_id, message_id, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at, fifo_key, fifo_seq)
  SELECT d.id, inserted.app_id, d.message_id, d.endpoint_id, 'pending', 0, inserted.created_at, inserted.created_at, inserted.created_at,
         CASE WHEN d.ordered THEN COALESCE(inserted.ordering_key, '') END,
         CASE WHEN d.ordered THEN nextval('delivery_fifo_seq') END
    FROM unnest($7::text[], $8::text[], $9::text[], $11::bool[]) WITH ORDINALITY AS d(id, message_id, endpoint_id, ordered, n)
    JOIN inserted ON inserted.id = d.message_id
   ORDER BY d.n
  RETURNING 1
)
SELECT (SELECT array_agg(id) FROM inserted) AS inserted_ids,
       (SELECT count(*) FROM fanned_out)::int AS deliveries`;

interface MessageRow {
  id: string;
  event_type: string;
  event_id: string | null;
  ordering_key: string | null;
  created_at: Date;
  payload?: string;
  test?: boolean;
}

function toStoredMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    eventType: row.event_type,
    eventId: row.event_id,
    orderingKey: row.ordering_key,
    createdAt: row.created_at,
    payloadText: row.payload,
    test: row.test,
  };
}

/** `a.b` → `a.b.%` with LIKE's own wildcards (`_` is legal in type names) escaped. */
export function likeBelow(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`;
}

/** Raw SQL on PG_POOL throughout: ingest is the hot path, and the feed reads by hand-picked index. */
@Injectable()
export class MessagesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async ingest(messages: NewMessageRow[], deliveries: NewDeliveryRow[]): Promise<IngestResult> {
    const { rows } = await this.pool.query<{ inserted_ids: string[] | null; deliveries: number }>({
      // Named: parsed and planned once per connection.
      name: 'message-ingest',
      text: INGEST_SQL,
      values: [
        messages.map((m) => m.id),
        messages.map((m) => m.appId),
        messages.map((m) => m.eventType),
        messages.map((m) => m.eventId),
        messages.map((m) => m.payloadText),
        messages.map((m) => m.createdAt),
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.messageId),
        deliveries.map((d) => d.endpointId),
        messages.map((m) => m.orderingKey),
        deliveries.map((d) => d.ordered),
        messages.map((m) => m.traceContext),
      ],
    });
    return {
      insertedIds: new Set(rows[0].inserted_ids ?? []),
      deliveriesCreated: rows[0].deliveries,
    };
  }

  /**
   * A test message (flag `test`: never fanned out, replayed or shown as a regular event) and
   * its one delivery to the endpoint under test, in one statement (so one transaction): the
   * message is not routed, the delivery row is written here because this repository is the
   * one that writes messages together with their deliveries.
   */
  async insertTestMessage(
    message: NewMessageRow,
    deliveryId: string,
    endpointId: string,
  ): Promise<void> {
    await this.pool.query(
      `WITH m AS (
         INSERT INTO message (id, app_id, event_type, event_id, payload, created_at, test)
         VALUES ($1, $2, $3, NULL, $4, $5, true) RETURNING id)
       INSERT INTO delivery (id, app_id, message_id, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at)
       SELECT $6, $2, m.id, $7, 'pending', 0, $5, $5, $5 FROM m`,
      [
        message.id,
        message.appId,
        message.eventType,
        message.payloadText,
        message.createdAt,
        deliveryId,
        endpointId,
      ],
    );
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

  /**
   * Replay's deliveries: one pending row per message for `endpointId`, written here, next to
   * ingest's fan-out, so delivery rows keep one writer per kind.
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

  /** Wakes idle workers (their sweep is the fallback should this be lost). */
  async notifyDeliveries(): Promise<void> {
    await this.pool.query(WAKE_WORKERS_SQL);
  }

  async findByEventIds(appId: string, eventIds: string[]): Promise<StoredMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      'SELECT id, event_type, event_id, ordering_key, created_at FROM message WHERE app_id = $1 AND event_id = ANY($2::text[])',
      [appId, eventIds],
    );
    return rows.map(toStoredMessage);
  }

  /** Newest first on message_app_idx (app_id, id DESC); `limit + 1` rows to tell if more exist. */
  async list(query: MessageFeedQuery): Promise<StoredMessage[]> {
    const values: unknown[] = [query.appId];
    const where = ['app_id = $1'];
    const param = (value: unknown): string => `$${values.push(value)}`;
    if (query.eventType?.kind === 'exact')
      where.push(`event_type = ${param(query.eventType.eventType)}`);
    if (query.eventType?.kind === 'prefix')
      where.push(`event_type LIKE ${param(likeBelow(query.eventType.prefix))} ESCAPE '\\'`);
    if (query.eventId !== undefined) where.push(`event_id = ${param(query.eventId)}`);
    if (query.idBelow !== undefined) where.push(`id < ${param(query.idBelow)}`);
    if (query.idAtLeast !== undefined) where.push(`id >= ${param(query.idAtLeast)}`);
    const columns = `id, event_type, event_id, ordering_key, created_at, test${query.withPayload ? ', payload' : ''}`;
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${columns} FROM message WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${param(query.limit + 1)}`,
      values,
    );
    return rows.map(toStoredMessage);
  }

  async find(appId: string, messageId: string): Promise<StoredMessage | null> {
    const { rows } = await this.pool.query<MessageRow>(
      'SELECT id, event_type, event_id, ordering_key, created_at, payload, test FROM message WHERE app_id = $1 AND id = $2',
      [appId, messageId],
    );
    return rows.length > 0 ? toStoredMessage(rows[0]) : null;
  }

  async deliveriesOf(messageId: string): Promise<DeliveryStatusRow[]> {
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
