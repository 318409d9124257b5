import type { Pool } from 'pg';
import { SecretBox } from '../src/common/crypto/secret-box';
import { newId } from '../src/common/ids';
import { generateSigningSecret } from '../src/common/signing-secret';
import { TEST_ENCRYPTION_KEY } from './support/test-app';

/**
 * Rows for delivery tests, written with SQL exactly as the endpoints and ingestion features
 * store them (sealed secrets, message + pending delivery rows, NOTIFY).
 */
const box = new SecretBox(Buffer.from(TEST_ENCRYPTION_KEY, 'base64'));

export async function insertApp(
  db: Pool,
  now: Date,
  retrySchedule: number[] | null = null,
): Promise<string> {
  const id = newId('app');
  await db.query(
    'INSERT INTO app (id, name, retry_schedule, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)',
    [id, 'Delivery test', retrySchedule, now],
  );
  return id;
}

export interface EndpointSpec {
  url: string;
  secret?: string;
  previousSecret?: string;
  previousSecretExpiresAt?: Date;
  signatureHeader?: string;
  headers?: Record<string, string>;
  authToken?: string;
  retrySchedule?: number[];
  disabled?: boolean;
}

export async function insertEndpoint(
  db: Pool,
  appId: string,
  now: Date,
  spec: EndpointSpec,
): Promise<{ id: string; secret: string }> {
  const id = newId('ep');
  const secret = spec.secret ?? generateSigningSecret();
  await db.query(
    `INSERT INTO endpoint (id, app_id, url, headers, auth_token_enc, retry_schedule, signature_header, secret_enc,
                           previous_secret_enc, previous_secret_expires_at, disabled, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
    [
      id,
      appId,
      spec.url,
      JSON.stringify(spec.headers ?? {}),
      spec.authToken ? box.seal(spec.authToken, `${id}/auth-token`) : null,
      spec.retrySchedule ?? null,
      spec.signatureHeader ?? null,
      box.seal(secret, `${id}/secret`),
      spec.previousSecret ? box.seal(spec.previousSecret, `${id}/secret`) : null,
      spec.previousSecretExpiresAt ?? null,
      spec.disabled ?? false,
      now,
    ],
  );
  return { id, secret };
}

/** `count` messages to one endpoint, each with a pending delivery due at `now`; then NOTIFY. */
export async function insertMessages(
  db: Pool,
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
  await db.query(`SELECT pg_notify('hookrelay_deliveries', '')`);
  return { messageIds, deliveryIds };
}

export interface DeliveryRow {
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
}

export async function deliveryRow(db: Pool, id: string): Promise<DeliveryRow> {
  const { rows } = await db.query<DeliveryRow>(
    'SELECT status, attempts, next_attempt_at, last_status_code, last_error FROM delivery WHERE id = $1',
    [id],
  );
  return rows[0];
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

export async function attemptRows(db: Pool, deliveryId: string): Promise<AttemptRow[]> {
  const { rows } = await db.query<AttemptRow>(
    'SELECT * FROM attempt WHERE delivery_id = $1 ORDER BY attempt',
    [deliveryId],
  );
  return rows;
}

/** Polls until `check` returns a value other than undefined/false. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function settledStatus(
  db: Pool,
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
