import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * App API keys look like `hk_<keyId>.<secret>`: the id finds the row, the secret (32 random
 * bytes) is stored only as its SHA-256 — a slow hash buys nothing for a secret this long —
 * and compared in constant time.
 */
const KEY_PATTERN = /^hk_(key_[0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

export const API_KEY_PREFIX = 'hk_';

export function newApiKeySecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatApiKey(keyId: string, secret: string): string {
  return `${API_KEY_PREFIX}${keyId}.${secret}`;
}

export function parseApiKey(presented: string): ParsedApiKey | null {
  const match = KEY_PATTERN.exec(presented);
  return match ? { keyId: match[1], secret: match[2] } : null;
}

export function hashApiKeySecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function apiKeySecretMatches(secret: string, storedHash: Buffer): boolean {
  const digest = hashApiKeySecret(secret);
  return storedHash.length === digest.length && timingSafeEqual(digest, storedHash);
}
