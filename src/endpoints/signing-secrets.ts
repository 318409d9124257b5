import type { SecretBox } from '../common/crypto/secret-box';

/** Additional authenticated data of the sealed secrets: the worker opens them with exactly these. */
export const secretContext = (endpointId: string): string => `${endpointId}/secret`;
export const authTokenContext = (endpointId: string): string => `${endpointId}/auth-token`;

/** How long a rotated-out secret still signs deliveries. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export interface SealedSigningSecrets {
  id: string;
  secretEnc: Buffer;
  previousSecretEnc: Buffer | null;
  previousSecretExpiresAt: Date | null;
}

/**
 * The `whsec_` secrets a delivery made at `now` is signed with: the current one first, then
 * the previous one while its grace period (expiry exclusive) lasts. Shared by the API and the
 * delivery worker so both agree on when a rotated secret stops signing.
 */
export function signingSecretsAt(row: SealedSigningSecrets, now: Date, box: SecretBox): string[] {
  const secrets = [box.open(row.secretEnc, secretContext(row.id))];
  if (
    row.previousSecretEnc !== null &&
    row.previousSecretExpiresAt !== null &&
    now.getTime() < row.previousSecretExpiresAt.getTime()
  ) {
    secrets.push(box.open(row.previousSecretEnc, secretContext(row.id)));
  }
  return secrets;
}
