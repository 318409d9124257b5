import type { QueryResult, QueryResultRow } from 'pg';
import { newId } from '../../src/common/ids';
import { eventually } from './eventually';

/**
 * The ONLY place where e2e tests read or write delivery and attempt rows directly. Tests speak
 * in queue terms (enqueue, the state of a delivery, a lease taken over, a delivery cancelled);
 * this file maps them to today's tables. A new queue layout (say, a table of pending work and
 * an append-only history) rewrites this file, not the tests that judge that layout. Where the
 * API already exposes a fact, tests should prefer the API.
 *
 * The field names of the states below are the probe's vocabulary; they happen to match
 * today's column names so that existing assertions read unchanged.
 */

/** A pg Pool or a checked-out client (a test may hold a transaction open). */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>>;
}

/** What a test may know of one delivery. */
export interface DeliveryRow {
  status: string;
  attempts: number;
  /** When it is due; null once finished, and while parked (disabled endpoint). */
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
}

/** A delivery with its identity and queue bookkeeping, as listed by `deliveriesOf`. */
export interface DeliveryState extends DeliveryRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  /** Set while a worker holds it (status 'delivering'). */
  lease_until: Date | null;
  /** Attempts made before its current retry window: the schedule restarts after them. */
  attempts_before_window: number;
}

export interface AttemptRow {
  attempt: number;
  succeeded: boolean;
  status_code: number | null;
  error_class: string | null;
  error: string | null;
  response_body: string | null;
  duration_ms: number;
  created_at: Date;
}

/** Which deliveries a question is about (all of the database's when empty). */
export interface DeliveryScope {
  appId?: string;
  endpointId?: string;
  messageIds?: readonly string[];
  status?: string;
  /** Exactly this many attempts made (0: never attempted). */
  attempts?: number;
  /** Due strictly after this time (held, scheduled). */
  dueAfter?: Date;
  /** Due at or before this time (claimable when pending). */
  dueBy?: Date;
}

/** Which attempts a question is about. */
export interface AttemptScope extends Pick<DeliveryScope, 'appId' | 'endpointId' | 'messageIds'> {
  attemptIds?: readonly string[];
}

function where(scope: DeliveryScope & { ids?: readonly string[] }): {
  sql: string;
  values: unknown[];
} {
  const clauses: string[] = [];
  const values: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    values.push(value);
    clauses.push(clause(`$${values.length}`));
  };
  if (scope.appId !== undefined) add((n) => `app_id = ${n}`, scope.appId);
  if (scope.endpointId !== undefined) add((n) => `endpoint_id = ${n}`, scope.endpointId);
  if (scope.messageIds !== undefined)
    add((n) => `message_id = ANY(${n}::text[])`, scope.messageIds);
  if (scope.status !== undefined) add((n) => `status = ${n}`, scope.status);
  if (scope.attempts !== undefined) add((n) => `attempts = ${n}`, scope.attempts);
  if (scope.dueAfter !== undefined) add((n) => `next_attempt_at > ${n}`, scope.dueAfter);
  if (scope.dueBy !== undefined) add((n) => `next_attempt_at <= ${n}`, scope.dueBy);
  if (scope.ids !== undefined) add((n) => `id = ANY(${n}::text[])`, scope.ids);
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', values };
}

// ---- enqueueing, as ingestion does ----------------------------------------------------------

/** `count` messages to one endpoint, each with a pending delivery due at `now`; then a wake-up. */
export async function enqueueMessages(
  db: Queryable,
  appId: string,
  endpointId: string,
  now: Date,
  count = 1,
  payload: (i: number) => string = (i) => `{"n": ${i}}`,
): Promise<{ messageIds: string[]; deliveryIds: string[] }> {
  const messageIds: string[] = [];
  const deliveryIds: string[] = [];
  const payloads: string[] = [];
  for (let i = 0; i < count; i++) {
    messageIds.push(newId('msg'));
    deliveryIds.push(newId('dlv'));
    payloads.push(payload(i));
  }
  await db.query(
    `WITH m AS (
       INSERT INTO message (id, app_id, event_type, payload, created_at)
       SELECT id, $3, 'invoice.paid', p, $4 FROM unnest($1::text[], $2::text[]) AS t(id, p) RETURNING id)
     INSERT INTO delivery (id, app_id, message_id, endpoint_id, status, next_attempt_at, created_at, updated_at)
     SELECT d, $3, m, $5, 'pending', $4, $4, $4 FROM unnest($6::text[], $1::text[]) AS t(d, m)`,
    [messageIds, payloads, appId, now, endpointId, deliveryIds],
  );
  await wakeWorkers(db);
  return { messageIds, deliveryIds };
}

/** Tells every worker that new work may be due, as ingestion does after its commit. */
export async function wakeWorkers(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_notify('hookrelay_deliveries', '')`);
}

export interface PlacedDelivery {
  id?: string;
  appId: string;
  messageId: string;
  endpointId: string;
  status?: string;
  attempts?: number;
  /** Due time; null parks it. Defaults to `at`. */
  nextAttemptAt?: Date | null;
  /** For 'delivering': the lease a worker holds. */
  leaseUntil?: Date | null;
  /** Creation (and last update) time. */
  at: Date;
}

/**
 * One delivery in exactly the given state, for tests that need a queue in a shape no real run
 * produces on demand (a gauge's oldest due age, retention of finished work). No wake-up sent.
 */
export async function placeDelivery(db: Queryable, d: PlacedDelivery): Promise<string> {
  const id = d.id ?? newId('dlv');
  await db.query(
    `INSERT INTO delivery (id, app_id, message_id, endpoint_id, status, attempts, next_attempt_at, lease_until, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
    [
      id,
      d.appId,
      d.messageId,
      d.endpointId,
      d.status ?? 'pending',
      d.attempts ?? 0,
      d.nextAttemptAt === undefined ? d.at : d.nextAttemptAt,
      d.leaseUntil ?? null,
      d.at,
    ],
  );
  return id;
}

export interface PlacedAttempt {
  id?: string;
  appId: string;
  deliveryId: string;
  messageId: string;
  endpointId: string;
  attempt: number;
  succeeded: boolean;
  durationMs?: number;
  at: Date;
}

/** One recorded attempt in the history (retention tests: old, orphaned or kept history). */
export async function placeAttempt(db: Queryable, a: PlacedAttempt): Promise<string> {
  const id = a.id ?? newId('atmpt');
  await db.query(
    `INSERT INTO attempt (id, app_id, delivery_id, message_id, endpoint_id, attempt, succeeded, duration_ms, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      id,
      a.appId,
      a.deliveryId,
      a.messageId,
      a.endpointId,
      a.attempt,
      a.succeeded,
      a.durationMs ?? 12,
      a.at,
    ],
  );
  return id;
}

/**
 * Makes enqueueing fail inside the ingest transaction (a row trigger raising), to prove that a
 * failure mid-way leaves nothing behind. Returns the undo.
 */
export async function refuseDeliveryInserts(db: Queryable): Promise<() => Promise<void>> {
  await db.query(`
    CREATE FUNCTION refuse_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'delivery insert refused by test'; END $$`);
  await db.query(
    'CREATE TRIGGER refuse_delivery BEFORE INSERT ON delivery FOR EACH ROW EXECUTE FUNCTION refuse_delivery()',
  );
  return async () => {
    await db.query('DROP TRIGGER refuse_delivery ON delivery');
    await db.query('DROP FUNCTION refuse_delivery()');
  };
}

// ---- what the queue holds -------------------------------------------------------------------

export async function deliveryRow(db: Queryable, id: string): Promise<DeliveryRow> {
  const { rows } = await db.query<DeliveryRow>(
    'SELECT status, attempts, next_attempt_at, last_status_code, last_error FROM delivery WHERE id = $1',
    [id],
  );
  return rows[0];
}

/** The deliveries in `scope`, ordered by id. */
export async function deliveriesOf(db: Queryable, scope: DeliveryScope): Promise<DeliveryState[]> {
  const { sql, values } = where(scope);
  const { rows } = await db.query<DeliveryState>(
    `SELECT id, message_id, endpoint_id, status, attempts, next_attempt_at, last_status_code,
            last_error, lease_until, retry_schedule_base AS attempts_before_window
       FROM delivery ${sql} ORDER BY id`,
    values,
  );
  return rows;
}

export async function countDeliveries(db: Queryable, scope: DeliveryScope): Promise<number> {
  const { sql, values } = where(scope);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delivery ${sql}`,
    values,
  );
  return rows[0].n;
}

/** Deliveries held by a worker that claims with a lease of `leaseMs` (claims stamp both times). */
export async function countLeasedFor(db: Queryable, leaseMs: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delivery
      WHERE status = 'delivering' AND lease_until - updated_at = $1 * interval '1 millisecond'`,
    [leaseMs],
  );
  return rows[0].n;
}

export async function attemptRows(db: Queryable, deliveryId: string): Promise<AttemptRow[]> {
  const { rows } = await db.query<AttemptRow>(
    'SELECT * FROM attempt WHERE delivery_id = $1 ORDER BY attempt',
    [deliveryId],
  );
  return rows;
}

/** Recorded attempts in `scope`. */
export async function countAttempts(db: Queryable, scope: AttemptScope): Promise<number> {
  const { attemptIds, ...rest } = scope;
  const { sql, values } = where({ ...rest, ids: attemptIds });
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM attempt ${sql}`,
    values,
  );
  return rows[0].n;
}

export async function settledStatus(
  db: Queryable,
  deliveryId: string,
  status: string,
  timeoutMs = 10_000,
): Promise<DeliveryRow> {
  return eventually(
    async () => {
      const row = await deliveryRow(db, deliveryId);
      return row.status === status ? row : undefined;
    },
    timeoutMs,
    `delivery ${deliveryId} to become ${status}`,
  );
}

// ---- moving deliveries as something outside the worker under test would ---------------------

/**
 * Another worker took this in-flight delivery over: its lease ran out, it was requeued and
 * claimed again with a lease until `leaseUntil`.
 */
export async function leaseTakenOver(
  db: Queryable,
  deliveryId: string,
  leaseUntil: Date,
): Promise<void> {
  await db.query(`UPDATE delivery SET lease_until = $2 WHERE id = $1 AND status = 'delivering'`, [
    deliveryId,
    leaseUntil,
  ]);
}

/** Failed for good after `attempts` attempts in a retry window that started at `windowStart`. */
export async function exhaustedSince(
  db: Queryable,
  deliveryId: string,
  attempts: number,
  windowStart: Date,
): Promise<void> {
  await db.query(
    `UPDATE delivery SET status = 'failed', next_attempt_at = NULL, attempts = $2, first_attempt_at = $3
      WHERE id = $1`,
    [deliveryId, attempts, windowStart],
  );
}

/** Cancelled behind the worker's back (it must not send it afterwards either). */
export async function cancelDelivery(db: Queryable, deliveryId: string): Promise<void> {
  await db.query(`UPDATE delivery SET status = 'cancelled' WHERE id = $1`, [deliveryId]);
}

/** Ends every unfinished delivery (cancelled), so that a test starts with nothing to claim. */
export async function cancelEverything(db: Queryable): Promise<void> {
  await db.query(
    `UPDATE delivery SET status = 'cancelled', lease_until = NULL, next_attempt_at = NULL
      WHERE status IN ('pending', 'delivering')`,
  );
}
