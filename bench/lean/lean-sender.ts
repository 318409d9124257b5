import { Pool as PgPool } from 'pg';
import { Pool as HttpPool } from 'undici';
import { SignatureSigner } from '../../src/delivery/signing/signature-signer';
import { nowMs } from '../shared/clock';
import { buildPayload, envelope } from '../shared/payload';
import { serveRpc } from '../shared/rpc';
import { LeanDrainParams, LeanDrainResult, LeanProtocol } from './lean-protocol';

/*
 * The lean durable reference sender (see lean-protocol.ts): its own process, so its CPU is
 * measured apart from the receiver's and PostgreSQL's. Its tables live in the bench database
 * beside the product's and are dropped after the run.
 */

const SCHEMA = `
CREATE TABLE lean_delivery (
  id bigint PRIMARY KEY,
  msg_id text NOT NULL,
  payload text NOT NULL,
  status smallint NOT NULL DEFAULT 0,
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,
  last_status_code int,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lean_delivery_due_idx ON lean_delivery (next_attempt_at) WHERE status = 0;
CREATE TABLE lean_attempt (
  id bigserial PRIMARY KEY,
  delivery_id bigint NOT NULL,
  attempt int NOT NULL,
  status_code int,
  duration_ms int NOT NULL,
  created_at timestamptz NOT NULL
)`;

/** status: 0 pending, 1 leased, 2 delivered, 3 failed. */
const CLAIM_SQL = `UPDATE lean_delivery d SET status = 1, lease_until = now() + interval '60 seconds', updated_at = now()
  FROM (SELECT id FROM lean_delivery WHERE status = 0 AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
 WHERE d.id = due.id
RETURNING d.id, d.msg_id, d.payload, d.attempts`;

const RECORD_SQL = `WITH r AS (
  SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::int8[]) AS r(id, code, duration_ms, at_ms)
), logged AS (
  INSERT INTO lean_attempt (delivery_id, attempt, status_code, duration_ms, created_at)
  SELECT r.id, 1, NULLIF(r.code, 0), r.duration_ms, timestamptz 'epoch' + r.at_ms * interval '1 millisecond' FROM r
)
UPDATE lean_delivery d
   SET status = CASE WHEN r.code BETWEEN 200 AND 299 THEN 2 ELSE 3 END, attempts = d.attempts + 1,
       lease_until = NULL, last_status_code = NULLIF(r.code, 0), updated_at = now()
  FROM r
 WHERE d.id = r.id AND d.status = 1`;

interface Row {
  id: string;
  msg_id: string;
  payload: string;
}

let db: PgPool | null = null;

function database(): PgPool {
  if (db === null) throw new Error('load first');
  return db;
}

async function load(params: { databaseUrl: string; backlog: number }): Promise<{ loaded: number }> {
  // The product's queue pool commits the same way (synchronous_commit = off, 4 connections).
  db = new PgPool({
    connectionString: params.databaseUrl,
    max: 4,
    options: '-c synchronous_commit=off',
  });
  await db.query('DROP TABLE IF EXISTS lean_attempt, lean_delivery');
  await db.query(SCHEMA);
  const result = await db.query(
    `INSERT INTO lean_delivery (id, msg_id, payload)
     SELECT g, 'msg_lean_' || g, $2 FROM generate_series(1, $1::int) g`,
    [params.backlog, JSON.stringify(buildPayload())],
  );
  // Experiment switch (not a figure of the table): the product's index set on the same rows,
  // to see what index upkeep costs a durable queue.
  if (process.env.BENCH_LEAN_PRODUCT_INDEXES === '1') {
    await db.query(`ALTER TABLE lean_delivery ADD COLUMN message_id text, ADD COLUMN endpoint_id text`);
    await db.query(`UPDATE lean_delivery SET message_id = 'msg_' || id, endpoint_id = 'ep_1'`);
    await db.query(`VACUUM FULL lean_delivery`);
    await db.query(`CREATE INDEX ON lean_delivery (message_id); CREATE INDEX ON lean_delivery (endpoint_id, status);
      CREATE INDEX ON lean_delivery (lease_until) WHERE status = 1;
      CREATE INDEX ON lean_delivery (updated_at) WHERE status IN (2, 3);
      CREATE INDEX ON lean_attempt (delivery_id); CREATE INDEX ON lean_attempt (created_at)`);
  }
  await db.query('ANALYZE lean_delivery');
  return { loaded: result.rowCount ?? 0 };
}

/** Results waiting for the next record statement, as columns. */
class ResultColumns {
  ids: string[] = [];
  codes: number[] = [];
  durations: number[] = [];
  times: number[] = [];

  get length(): number {
    return this.ids.length;
  }
}

const literal = (values: readonly (string | number)[]): string => `{${values.join(',')}}`;

async function drain(params: LeanDrainParams): Promise<LeanDrainResult> {
  const pg = database();
  const http = new HttpPool(params.origin, {
    connections: params.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const signer = new SignatureSigner([params.secret]);
  const startedAt = nowMs();
  const deadline = startedAt + params.maxMs;
  let peakRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);

  const queue: Row[] = [];
  let head = 0;
  let exhausted = false;
  let claiming: Promise<void> | null = null;
  let claims = 0;
  let records = 0;
  let delivered = 0;
  let failed = 0;
  let attemptsLogged = 0;
  let results = new ResultColumns();
  const recording = new Set<Promise<void>>();
  let recordError: unknown = null;

  // Claims the next batch while the current one is being sent (at half a batch left).
  const claimMore = (): Promise<void> => {
    if (claiming === null)
      claiming = pg.query<Row>(CLAIM_SQL, [params.batchSize]).then(({ rows }) => {
        claims++;
        if (head > 4096) {
          queue.splice(0, head);
          head = 0;
        }
        for (const row of rows) queue.push(row);
        // One sender and everything loaded up front: a short claim means nothing is left.
        if (rows.length < params.batchSize) exhausted = true;
        claiming = null;
      });
    return claiming;
  };

  const flush = (): void => {
    if (results.length === 0) return;
    const batch = results;
    results = new ResultColumns();
    const done = pg
      .query(RECORD_SQL, [
        literal(batch.ids),
        literal(batch.codes),
        literal(batch.durations),
        literal(batch.times),
      ])
      .then((r) => {
        records++;
        attemptsLogged += batch.length;
        if ((r.rowCount ?? 0) !== batch.length)
          throw new Error(`recorded ${r.rowCount} of ${batch.length} deliveries`);
      })
      .catch((err: unknown) => {
        recordError ??= err;
      })
      .finally(() => recording.delete(done));
    recording.add(done);
  };
  const flushTimer = setInterval(flush, 50);

  const send = async (row: Row): Promise<void> => {
    const sentAt = Date.now();
    const timestamp = Math.floor(sentAt / 1000);
    const body = envelope(row.payload, new Date(sentAt).toISOString());
    let code = 0;
    try {
      const res = await http.request({
        method: 'POST',
        path: params.path,
        headers: {
          'content-type': 'application/json',
          'webhook-id': row.msg_id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signer.sign(row.msg_id, timestamp, body),
        },
        body,
        headersTimeout: 15_000,
        bodyTimeout: 15_000,
      });
      code = res.statusCode;
      await res.body.dump();
    } catch {
      code = 0;
    }
    if (code >= 200 && code < 300) delivered++;
    else failed++;
    results.ids.push(row.id);
    results.codes.push(code);
    results.durations.push(Date.now() - sentAt);
    results.times.push(sentAt);
    if (results.length >= params.batchSize) flush();
  };

  const senderLoop = async (): Promise<void> => {
    while (nowMs() < deadline) {
      if (!exhausted && queue.length - head < params.batchSize / 2) void claimMore();
      if (head < queue.length) {
        await send(queue[head++]);
        continue;
      }
      if (claiming !== null) await claiming;
      else if (exhausted) return;
    }
  };

  try {
    await claimMore();
    await Promise.all(Array.from({ length: params.concurrency }, senderLoop));
    flush();
    while (recording.size > 0) await Promise.all([...recording]);
    if (recordError !== null) throw recordError;
  } finally {
    clearInterval(flushTimer);
    clearInterval(rssTimer);
    await http.close();
  }
  const { rows } = await pg.query<{ left: string }>(
    'SELECT count(*) AS left FROM lean_delivery WHERE status IN (0, 1)',
  );
  return {
    delivered,
    failed,
    left: Number(rows[0].left),
    attemptsLogged,
    claims,
    records,
    elapsedMs: nowMs() - startedAt,
    peakRssMb: Math.round(peakRss / 2 ** 20),
  };
}

async function drop(): Promise<{ dropped: boolean }> {
  if (db === null) return { dropped: false };
  await db.query('DROP TABLE IF EXISTS lean_attempt, lean_delivery');
  await db.end();
  db = null;
  return { dropped: true };
}

serveRpc<LeanProtocol>({ load, drain, drop });
