import { hkdfSync } from 'node:crypto';
import type { RuntimeKeys } from '../../common/runtime-keys';

/**
 * The key portal tokens are signed with: PORTAL_SIGNING_KEY, or the one generated into
 * DATA_DIR on the embedded default; without either (DATABASE_URL and no PORTAL_SIGNING_KEY),
 * derived from SECRETS_ENCRYPTION_KEY with HKDF under its own label — every replica already
 * shares that key, and the derived key reveals nothing about it.
 */
export function portalSigningKey(keys: RuntimeKeys): Uint8Array {
  if (keys.portalSigningKey !== undefined) return new Uint8Array(keys.portalSigningKey);
  return new Uint8Array(
    hkdfSync('sha256', keys.encryptionKey, Buffer.alloc(0), 'hookrelay portal session tokens', 32),
  );
}
