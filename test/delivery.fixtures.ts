import type { Pool } from 'pg';
import { SecretBox } from '../src/common/crypto/secret-box';
import { newId } from '../src/common/ids';
import { generateSigningSecret } from '../src/common/signing-secret';
import { TEST_ENCRYPTION_KEY } from './support/test-app';

/**
 * App and endpoint rows for delivery tests, written with SQL exactly as the endpoints feature
 * stores them (sealed secrets), for tests that need states the API does not create.
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

/*
 * Delivery rows are reached through test/support/queue-probe.ts only (a new queue layout
 * rewrites that file alone). These names stay for test files written against them.
 */
export {
  attemptRows,
  deliveryRow,
  enqueueMessages as insertMessages,
  settledStatus,
  type AttemptRow,
  type DeliveryRow,
} from './support/queue-probe';
export { eventually } from './support/eventually';
