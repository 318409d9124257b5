import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The credentials a route accepts, compared with a presented one in constant time: both
 * sides are hashed to equal length, and every candidate is checked (no early exit). The
 * accepted keys are hashed once, not on every request (ingestion is the hot path).
 */
export class AcceptedKeys {
  private readonly digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(sha256);
  }

  matches(presented: string): boolean {
    const digest = sha256(presented);
    let found = false;
    for (const candidate of this.digests) found = timingSafeEqual(digest, candidate) || found;
    return found;
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
