import { randomBytes } from 'node:crypto';

/**
 * Endpoint signing secrets: in Standard Webhooks form, `whsec_` + base64 of 24–64 random
 * bytes (generated ones are always this), or a plain shared secret of 16–256 printable ASCII
 * characters that a migrating receiver already holds (Nami ML's customers verify
 * `nami-signature` with one). Shared by the endpoints API (create, rotate, validate) and the
 * delivery signer.
 *
 * The HMAC key of each signature:
 * - the hex `signatureHeader`: always the secret string's bytes as shown (`whsec_…` included);
 * - the Standard Webhooks `webhook-signature`: the decoded base64 of a `whsec_` secret; for a
 *   plain secret, the string's bytes as shown, which is what the `standardwebhooks` package
 *   uses with `new Webhook(secret, { format: 'raw' })` (decoding a plain string as base64
 *   would give a key nobody can reproduce from what the endpoint shows).
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

export const PLAIN_SECRET_MIN_LENGTH = 16;
export const PLAIN_SECRET_MAX_LENGTH = 256;
const PLAIN_SECRET_PATTERN = /^[\x20-\x7e]+$/;

export function isPlainSigningSecret(secret: string): boolean {
  return (
    !secret.startsWith(SECRET_PREFIX) &&
    secret.length >= PLAIN_SECRET_MIN_LENGTH &&
    secret.length <= PLAIN_SECRET_MAX_LENGTH &&
    PLAIN_SECRET_PATTERN.test(secret)
  );
}

/** The broken rule of a secret given to create or rotate, or null; never quotes the secret. */
export function signingSecretProblem(secret: string): string | null {
  if (secret.startsWith(SECRET_PREFIX)) {
    try {
      parseSigningSecret(secret);
      return null;
    } catch (err) {
      return (err as Error).message.replace('Invalid signing secret: ', '');
    }
  }
  if (secret.length < PLAIN_SECRET_MIN_LENGTH || secret.length > PLAIN_SECRET_MAX_LENGTH)
    return `must be "${SECRET_PREFIX}" followed by the base64 of 24 to 64 bytes, or a plain secret of ${PLAIN_SECRET_MIN_LENGTH} to ${PLAIN_SECRET_MAX_LENGTH} printable ASCII characters (got ${secret.length})`;
  if (!PLAIN_SECRET_PATTERN.test(secret))
    return 'a plain secret may only hold printable ASCII characters (space to ~)';
  return null;
}

export function isValidSigningSecret(secret: string): boolean {
  return signingSecretProblem(secret) === null;
}

/** The Standard Webhooks HMAC key of a valid secret (see the file comment). */
export function signingKeyOf(secret: string): Buffer {
  if (isPlainSigningSecret(secret)) return Buffer.from(secret, 'latin1');
  return parseSigningSecret(secret);
}

export function generateSigningSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new RangeError(
      `Signing secret length must be an integer from ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`,
    );
  }
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}
