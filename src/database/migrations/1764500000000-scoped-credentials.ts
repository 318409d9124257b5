import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * App-scoped credentials: API keys (only the secret's SHA-256 is kept) and portal sessions
 * (the token is a signed JWT; this row is what revocation, capabilities and endpoint limits
 * are read from, so every process honours a revocation at once). Both go with their app.
 * `app.portal`: the portal's light theming (name, primary colour, logo URL).
 */
export class ScopedCredentials1764500000000 implements MigrationInterface {
  name = 'ScopedCredentials1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_key (
        id           text PRIMARY KEY,
        app_id       text NOT NULL REFERENCES app(id) ON DELETE CASCADE,
        name         text NOT NULL,
        capabilities text[] NOT NULL,
        secret_hash  bytea NOT NULL,
        created_at   timestamptz NOT NULL,
        revoked_at   timestamptz
      )`);
    await q.query('CREATE INDEX api_key_app_idx ON api_key (app_id, id)');
    await q.query(`
      CREATE TABLE portal_session (
        id           text PRIMARY KEY,
        app_id       text NOT NULL REFERENCES app(id) ON DELETE CASCADE,
        capabilities text[] NOT NULL,
        endpoint_ids text[],
        created_at   timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        revoked_at   timestamptz
      )`);
    await q.query('CREATE INDEX portal_session_app_idx ON portal_session (app_id)');
    await q.query(`ALTER TABLE app ADD COLUMN portal jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE app DROP COLUMN IF EXISTS portal');
    await q.query('DROP TABLE IF EXISTS portal_session');
    await q.query('DROP TABLE IF EXISTS api_key');
  }
}
