import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the published outbound-IP list last changed: one row, written by API processes at
 * start-up only when the list differs from the recorded one, so `updatedAt` on
 * GET /api/v1/outbound-ips is the same on every API replica and across restarts.
 */
export class OutboundIpsState1764200000000 implements MigrationInterface {
  name = 'OutboundIpsState1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbound_ips_state (
        id         smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        list_hash  text NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS outbound_ips_state');
  }
}
