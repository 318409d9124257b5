import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * endpoint.auth_token_scheme: how the auth token becomes the Authorization header ('bearer':
 * `Bearer <token>`, as before; 'raw': the token is the whole value, for receivers that check
 * an exact value such as Adapty's). The default keeps existing rows as they were; the second
 * CHECK refuses 'raw' without a token, whichever code path writes the row.
 */
export class AuthTokenScheme1764700000000 implements MigrationInterface {
  name = 'AuthTokenScheme1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE endpoint
        ADD COLUMN auth_token_scheme text NOT NULL DEFAULT 'bearer'
            CHECK (auth_token_scheme IN ('bearer', 'raw')),
        ADD CONSTRAINT endpoint_raw_auth_token_check
            CHECK (auth_token_scheme = 'bearer' OR auth_token_enc IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE endpoint
        DROP CONSTRAINT IF EXISTS endpoint_raw_auth_token_check,
        DROP COLUMN IF EXISTS auth_token_scheme`);
  }
}
