import { createHmac } from 'node:crypto';
import { InvalidSigningSecretError, signingKeyOf } from '../../common/signing-secret';

export {
  generateSigningSecret,
  InvalidSigningSecretError,
  isValidSigningSecret,
  parseSigningSecret,
  signingKeyOf,
} from '../../common/signing-secret';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/): the `webhook-signature`
 * header is `v1,<base64 HMAC-SHA-256 of "{msg id}.{timestamp}.{body}">`, several signatures
 * separated by spaces so receivers keep verifying while a secret is being rotated.
 */

const SIGNATURE_VERSION = 'v1,';
const PART_SEPARATOR = '.';

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
    // whsec_ secrets decode to their key; plain shared secrets key with their own bytes.
    this.keys = secrets.map(signingKeyOf);
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
