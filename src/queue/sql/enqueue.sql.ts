/*
 * Statement fragments that enqueue deliveries inside a feature's own statement, so that a
 * message and its deliveries are written in one round trip (one implicit transaction). The
 * queue owns their text; the feature embeds them. Arguments are SQL names and `$n` parameter
 * references of the enclosing statement.
 */

/** The fan-out's inputs: parameters holding parallel arrays (one element per delivery). */
export interface FanOutParams {
  /** A CTE of the inserted messages with columns (id, app_id, created_at, ordering_key). */
  messages: string;
  /** text[]: delivery ids. */
  ids: string;
  /** text[]: each delivery's message id (deliveries of messages not in `messages` are skipped). */
  messageIds: string;
  /** text[]: each delivery's endpoint id. */
  endpointIds: string;
  /** bool[]: the endpoint delivers in order (FIFO). */
  ordered: string;
}

/**
 * The fan-out INSERT of the ingest statement (use as a CTE body; it RETURNs 1 per delivery).
 * Each delivery takes its message's app and time, and is due at once. Deliveries to FIFO
 * endpoints get their stream (the ordering key, '' for none) and a number from
 * delivery_fifo_seq, drawn in the order of the arrays (ORDER BY the ordinality: PostgreSQL
 * evaluates a volatile target list after the sort), so a batch's messages keep their order;
 * across statements a later number means a later nextval call. Unordered deliveries draw
 * nothing.
 */
export function fanOutInsertSql(p: FanOutParams): string {
  const m = p.messages;
  return `INSERT INTO delivery (id, app_id, message_id, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at, fifo_key, fifo_seq)
  SELECT d.id, ${m}.app_id, d.message_id, d.endpoint_id, 'pending', 0, ${m}.created_at, ${m}.created_at, ${m}.created_at,
         CASE WHEN d.ordered THEN COALESCE(${m}.ordering_key, '') END,
         CASE WHEN d.ordered THEN nextval('delivery_fifo_seq') END
    FROM unnest(${p.ids}::text[], ${p.messageIds}::text[], ${p.endpointIds}::text[], ${p.ordered}::bool[]) WITH ORDINALITY AS d(id, message_id, endpoint_id, ordered, n)
    JOIN ${m} ON ${m}.id = d.message_id
   ORDER BY d.n
  RETURNING 1`;
}

/** A test event's one delivery, due at once (no ordering key: never part of a FIFO stream). */
export interface TestDeliveryParams {
  /** A CTE of the inserted test message with column (id). */
  message: string;
  id: string;
  appId: string;
  endpointId: string;
  /** timestamptz: due, created and updated at. */
  at: string;
}

/** The test delivery INSERT, to follow the test message's insert CTE in one statement. */
export function testDeliveryInsertSql(p: TestDeliveryParams): string {
  return `INSERT INTO delivery (id, app_id, message_id, endpoint_id, status, attempts, next_attempt_at, created_at, updated_at)
       SELECT ${p.id}, ${p.appId}, ${p.message}.id, ${p.endpointId}, 'pending', 0, ${p.at}, ${p.at}, ${p.at} FROM ${p.message}`;
}
