import { randomBytes } from 'node:crypto';

/**
 * Endpoint signing secrets in Standard Webhooks form: `whsec_` + base64 of 24–64 random
 * bytes. Shared by the endpoints API (create, rotate, validate) and the delivery signer.
 */

export const SECRET_PREFIX = 'whsec_';
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
/** Canonical base64 only: a looser alphabet would let two spellings name one key. */
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class InvalidSigningSecretError extends Error {
  readonly code = 'INVALID_SIGNING_SECRET';

  constructor(rule: string) {
    // The secret itself is never put in the message: messages end up in logs.
    super(`Invalid signing secret: ${rule}`);
    this.name = 'InvalidSigningSecretError';
  }
}

/** Decodes a `whsec_<base64>` secret to its key bytes; throws InvalidSigningSecretError. */
export function parseSigningSecret(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new InvalidSigningSecretError(`must start with "${SECRET_PREFIX}"`);
  }
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64_PATTERN.test(encoded)) {
    throw new InvalidSigningSecretError(`must be "${SECRET_PREFIX}" followed by base64`);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new InvalidSigningSecretError(
      `key must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, got ${key.length}`,
    );
  }
  return key;
}

export function isValidSigningSecret(secret: string): boolean {
  try {
    parseSigningSecret(secret);
    return true;
  } catch {
    return false;
  }
}

export function generateSigningSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new RangeError(
      `Signing secret length must be an integer from ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`,
    );
  }
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}
