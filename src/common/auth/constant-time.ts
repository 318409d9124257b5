import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented credential with every accepted one in constant time: both sides are
 * hashed to equal length first, and every candidate is checked (no early exit).
 */
export function matchesAnyKey(presented: string, accepted: readonly string[]): boolean {
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let found = false;
  for (const key of accepted) {
    const candidate = createHash('sha256').update(key, 'utf8').digest();
    found = timingSafeEqual(digest, candidate) || found;
  }
  return found;
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
