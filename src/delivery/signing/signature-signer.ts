import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/): the `webhook-signature`
 * header is `v1,<base64 HMAC-SHA-256 of "{msg id}.{timestamp}.{body}">`, several signatures
 * separated by spaces so receivers keep verifying while a secret is being rotated.
 */

const SECRET_PREFIX = 'whsec_';
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
/** Canonical base64 only: a looser alphabet would let two spellings name one key. */
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SIGNATURE_VERSION = 'v1,';
const PART_SEPARATOR = '.';

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

/**
 * Signs one endpoint's messages. Built once per endpoint secret set and reused: keys are
 * decoded in the constructor because `sign` runs on every attempt (~10,000/s). The body is fed
 * to the HMAC as a separate update() so a large payload is never copied into a new string.
 */
export class SignatureSigner {
  private readonly keys: readonly Buffer[];

  /** @param secrets current secret first, then the previous one while a rotation is in grace. */
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) {
      throw new InvalidSigningSecretError('at least one secret is required');
    }
    this.keys = secrets.map(parseSigningSecret);
  }

  sign(msgId: string, timestampSeconds: number, body: string | Buffer): string {
    if (!Number.isSafeInteger(timestampSeconds)) {
      throw new RangeError('timestampSeconds must be an integer number of seconds');
    }
    const prefix = msgId + PART_SEPARATOR + timestampSeconds + PART_SEPARATOR;
    let header = '';
    for (const key of this.keys) {
      const signature = createHmac('sha256', key).update(prefix).update(body).digest('base64');
      header += (header === '' ? SIGNATURE_VERSION : ' ' + SIGNATURE_VERSION) + signature;
    }
    return header;
  }
}

/**
 * Lowercase hex HMAC-SHA-256 of the raw body, keyed by the secret string's UTF-8 bytes exactly
 * as given (the whole `whsec_…` text, not the decoded key). This is what simple receivers such
 * as Nami ML's Flask example recompute and compare with `hmac.compare_digest`.
 */
export function hexBodySignature(secretString: string, body: string | Buffer): string {
  return createHmac('sha256', Buffer.from(secretString, 'utf8')).update(body).digest('hex');
}
