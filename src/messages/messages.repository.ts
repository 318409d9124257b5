import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool';
import { WAKE_WORKERS_SQL } from '../queue/channels';
import { fanOutInsertSql, testDeliveryInsertSql } from '../queue/sql/enqueue.sql';
import type { EventTypePattern } from '../matching';

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
 * The fan-out INSERT is the queue's fragment (fanOutInsertSql: FIFO streams and numbers are
 * explained there), embedded rather than called so that ingest stays one round trip.
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
  ${fanOutInsertSql({ messages: 'inserted', ids: '$7', messageIds: '$8', endpointIds: '$9', ordered: '$11' })}
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
   * message is not routed; the delivery INSERT is the queue's fragment (testDeliveryInsertSql).
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
       ${testDeliveryInsertSql({ message: 'm', id: '$6', appId: '$2', endpointId: '$7', at: '$5' })}`,
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
}
