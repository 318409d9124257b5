import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole data model. Notes on choices that matter for throughput and retention:
 * - ids are prefixed ULIDs (text): sortable by creation time, so keyset pagination and
 *   "newest first" need no extra index.
 * - message.payload is text, not jsonb: the delivered body must be byte-for-byte stable
 *   (signatures are computed over it) and jsonb would reorder keys.
 * - delivery is the queue. The partial index delivery_due_idx holds only rows a worker can
 *   claim (status 'pending'), so it stays small however large the history grows.
 * - attempt has no foreign keys: it is the highest-volume insert on the hot path and FK
 *   checks cost a lookup per row; app deletion and retention remove attempts explicitly.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app (
        id              text PRIMARY KEY,
        uid             text UNIQUE,
        name            text NOT NULL,
        metadata        jsonb NOT NULL DEFAULT '{}',
        retry_schedule  integer[],
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE TABLE event_type (
        name        text PRIMARY KEY,
        description text NOT NULL DEFAULT '',
        schema      jsonb,
        archived    boolean NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE TABLE endpoint (
        id                         text PRIMARY KEY,
        app_id                     text NOT NULL REFERENCES app(id) ON DELETE CASCADE,
        url                        text NOT NULL,
        description                text NOT NULL DEFAULT '',
        disabled                   boolean NOT NULL DEFAULT false,
        disabled_reason            text,
        headers                    jsonb NOT NULL DEFAULT '{}',
        auth_token_enc             bytea,
        rate_limit                 integer,
        retry_schedule             integer[],
        signature_header           text,
        metadata                   jsonb NOT NULL DEFAULT '{}',
        secret_enc                 bytea NOT NULL,
        previous_secret_enc        bytea,
        previous_secret_expires_at timestamptz,
        -- health: circuit breaker and auto-disable state, shared by every worker process
        consecutive_failures       integer NOT NULL DEFAULT 0,
        failing_since              timestamptz,
        circuit_open_until         timestamptz,
        circuit_opens              integer NOT NULL DEFAULT 0,
        -- token bucket for rateLimit, shared by every worker process
        rate_tokens                double precision,
        rate_refilled_at           timestamptz,
        deleted_at                 timestamptz,
        created_at                 timestamptz NOT NULL,
        updated_at                 timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX endpoint_app_idx ON endpoint (app_id, id) WHERE deleted_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE subscription (
        id          text PRIMARY KEY,
        app_id      text NOT NULL REFERENCES app(id) ON DELETE CASCADE,
        endpoint_id text NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,
        event_types text[] NOT NULL,
        filter      jsonb,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX subscription_app_idx ON subscription (app_id)`);
    await q.query(`CREATE INDEX subscription_endpoint_idx ON subscription (endpoint_id, id)`);

    await q.query(`
      CREATE TABLE message (
        id          text PRIMARY KEY,
        app_id      text NOT NULL REFERENCES app(id) ON DELETE CASCADE,
        event_type  text NOT NULL,
        event_id    text,
        payload     text NOT NULL,
        created_at  timestamptz NOT NULL
      )`);
    // Idempotency: one message per (app, eventId); kept as long as the message (RETENTION_DAYS >= 1).
    await q.query(
      `CREATE UNIQUE INDEX message_event_id_idx ON message (app_id, event_id) WHERE event_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX message_app_idx ON message (app_id, id DESC)`);
    await q.query(`CREATE INDEX message_created_idx ON message (created_at)`);

    await q.query(`
      CREATE TABLE delivery (
        id               text PRIMARY KEY,
        app_id           text NOT NULL,
        message_id       text NOT NULL REFERENCES message(id) ON DELETE CASCADE,
        endpoint_id      text NOT NULL,
        status           text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed', 'cancelled')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz,
        lease_until      timestamptz,
        first_attempt_at timestamptz,
        last_attempt_at  timestamptz,
        last_status_code integer,
        last_error       text,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL
      ) WITH (fillfactor = 80)`);
    await q.query(
      `CREATE INDEX delivery_due_idx ON delivery (next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX delivery_leased_idx ON delivery (lease_until) WHERE status = 'delivering'`,
    );
    await q.query(`CREATE INDEX delivery_message_idx ON delivery (message_id)`);
    await q.query(`CREATE INDEX delivery_endpoint_idx ON delivery (endpoint_id, status)`);
    await q.query(
      `CREATE INDEX delivery_finished_idx ON delivery (updated_at) WHERE status IN ('succeeded', 'failed', 'cancelled')`,
    );

    await q.query(`
      CREATE TABLE attempt (
        id            text PRIMARY KEY,
        app_id        text NOT NULL,
        delivery_id   text NOT NULL,
        message_id    text NOT NULL,
        endpoint_id   text NOT NULL,
        attempt       integer NOT NULL,
        succeeded     boolean NOT NULL,
        status_code   integer,
        error_class   text,
        error         text,
        response_body text,
        duration_ms   integer NOT NULL,
        created_at    timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX attempt_message_idx ON attempt (message_id)`);
    await q.query(`CREATE INDEX attempt_endpoint_idx ON attempt (endpoint_id, id DESC)`);
    await q.query(`CREATE INDEX attempt_created_idx ON attempt (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'attempt',
      'delivery',
      'message',
      'subscription',
      'endpoint',
      'event_type',
      'app',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
