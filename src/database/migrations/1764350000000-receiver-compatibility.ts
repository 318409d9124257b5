import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Receiver compatibility (issue 11): per-endpoint body format and payload shaping, a frozen
 * copy of that configuration on deliveries already attempted when it changes (so every
 * attempt of a delivery sends identical bytes), test messages, and event type examples.
 * All columns have defaults or are nullable: existing rows keep today's behaviour.
 */
export class ReceiverCompatibility1764350000000 implements MigrationInterface {
  name = 'ReceiverCompatibility1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE endpoint
        ADD COLUMN body_format text NOT NULL DEFAULT 'envelope'
            CHECK (body_format IN ('envelope', 'payload')),
        ADD COLUMN omit_fields text[] NOT NULL DEFAULT '{}',
        ADD COLUMN event_type_aliases jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN event_type_field text`);
    // NULL (nearly always): the endpoint's current shaping applies. Set only on deliveries
    // already attempted (or in flight) when the endpoint's shaping changes.
    await q.query(`ALTER TABLE delivery ADD COLUMN body_shape jsonb`);
    await q.query(`ALTER TABLE message ADD COLUMN test boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE event_type ADD COLUMN examples jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_type DROP COLUMN IF EXISTS examples`);
    await q.query(`ALTER TABLE message DROP COLUMN IF EXISTS test`);
    await q.query(`ALTER TABLE delivery DROP COLUMN IF EXISTS body_shape`);
    await q.query(`
      ALTER TABLE endpoint
        DROP COLUMN IF EXISTS body_format,
        DROP COLUMN IF EXISTS omit_fields,
        DROP COLUMN IF EXISTS event_type_aliases,
        DROP COLUMN IF EXISTS event_type_field`);
  }
}
