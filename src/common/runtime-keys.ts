/**
 * Keys resolved at start-up: from the configuration, or generated into DATA_DIR on the
 * embedded default. Injected instead of read from AppConfig because they may not be in it.
 */
export interface RuntimeKeys {
  adminApiKeys: readonly string[];
  /** 32-byte AES-256-GCM key for secrets at rest. */
  encryptionKey: Buffer;
  /**
   * HMAC key of portal session tokens (PORTAL_SIGNING_KEY, or generated into DATA_DIR).
   * Absent: derived from encryptionKey (see src/auth/credentials/portal-signing-key.ts).
   */
  portalSigningKey?: Buffer;
}

export const RUNTIME_KEYS = Symbol('RUNTIME_KEYS');
