import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracing (OpenTelemetry): `message.trace_context` keeps the W3C traceparent of the ingest
 * span that created the message, so every delivery attempt — in any worker, hours later — is
 * a span of the same trace (NULL when tracing was off at ingest). `endpoint.send_trace_context`
 * adds a `traceparent` header to the endpoint's deliveries (off by default: trace ids are not
 * handed to third parties unasked). Both are metadata-only changes (no table rewrite).
 */
export class TraceContext1764301600000 implements MigrationInterface {
  name = 'TraceContext1764301600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE message ADD COLUMN trace_context text');
    await q.query(
      'ALTER TABLE endpoint ADD COLUMN send_trace_context boolean NOT NULL DEFAULT false',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE endpoint DROP COLUMN IF EXISTS send_trace_context');
    await q.query('ALTER TABLE message DROP COLUMN IF EXISTS trace_context');
  }
}
