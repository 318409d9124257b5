import { SignatureSigner } from '../signing/signature-signer';

/** An endpoint as the sender needs it: secrets decrypted and signers built once. */
export interface EndpointDeliveryConfig {
  id: string;
  appId: string;
  url: URL;
  /** Request path with query, and the origin, split once for undici. */
  origin: string;
  path: string;
  /**
   * content-type, user-agent, custom headers and Authorization as a flat [name, value, …]
   * list, ready to copy; never one of the per-attempt headers the sender adds.
   */
  baseHeaderList: readonly string[];
  currentSecret: string;
  signer: SignatureSigner;
  /** Current + previous secret, while the previous one has not expired. */
  rotationSigner: SignatureSigner | null;
  previousSecretExpiresAt: Date | null;
  signatureHeader: string | null;
  /** Add a `traceparent` header (the attempt span's) to each request. */
  sendTraceContext: boolean;
  /** Endpoint schedule, else the app's; null = the default schedule. */
  retrySchedule: number[] | null;
  updatedAt: number;
}

/** The Standard Webhooks signer to use at `now`: both secrets only during the grace period. */
export function signerAt(config: EndpointDeliveryConfig, now: Date): SignatureSigner {
  if (
    config.rotationSigner &&
    config.previousSecretExpiresAt &&
    config.previousSecretExpiresAt.getTime() > now.getTime()
  ) {
    return config.rotationSigner;
  }
  return config.signer;
}
