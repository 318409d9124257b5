import { SignatureSigner } from '../../src/delivery/signing/signature-signer';
import { envelope } from '../shared/payload';

/**
 * Builds what a webhook sender puts on the wire for one delivery: the envelope body and the
 * Standard Webhooks headers, signed with the service's own SignatureSigner (HMAC-SHA-256 per
 * request), so the raw loop does the same signature work as the worker.
 */
export class SignedRequestFactory {
  private readonly signer: SignatureSigner;

  constructor(
    secret: string,
    private readonly payloadJson: string,
  ) {
    this.signer = new SignatureSigner([secret]);
  }

  build(msgId: string): { headers: Record<string, string>; body: string } {
    const nowMs = Date.now();
    const timestamp = Math.floor(nowMs / 1000);
    const body = envelope(this.payloadJson, new Date(nowMs).toISOString());
    return {
      headers: {
        'webhook-id': msgId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': this.signer.sign(msgId, timestamp, body),
      },
      body,
    };
  }
}
