import { randomBytes } from 'node:crypto';

/**
 * Prefixed, time-sortable ids: `<prefix>_<ULID>` (48-bit millisecond time + 80 random bits,
 * Crockford base32). Monotonic within a process, so ids created in the same millisecond
 * still sort in creation order — keyset pagination relies on it.
 */
export type IdPrefix = 'app' | 'ep' | 'sub' | 'msg' | 'dlv' | 'atmpt' | 'evt' | 'key' | 'ps';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let lastTime = -1;
const lastRandom = new Uint8Array(10);

/**
 * CSPRNG bytes drawn 4 KiB at a time: one randomBytes call per id cost ~2 % of the delivery
 * worker's and the ingest API's CPU (a new millisecond, so fresh randomness, for most ids).
 */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function freshRandom(length: number): Buffer {
  if (randomOffset + length > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  const bytes = randomPool.subarray(randomOffset, randomOffset + length);
  randomOffset += length;
  return bytes;
}

function encodeTime(time: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits → 16 base32 characters, 5 bits at a time.
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

function incrementRandom(): void {
  for (let i = lastRandom.length - 1; i >= 0; i--) {
    if (lastRandom[i] === 255) {
      lastRandom[i] = 0;
    } else {
      lastRandom[i]++;
      return;
    }
  }
}

export function ulid(time: number = Date.now()): string {
  if (time <= lastTime) {
    incrementRandom();
  } else {
    lastTime = time;
    lastRandom.set(freshRandom(lastRandom.length));
  }
  return encodeTime(lastTime) + encodeRandom(lastRandom);
}

export function newId(prefix: IdPrefix, time?: number): string {
  return `${prefix}_${ulid(time)}`;
}

export function isId(prefix: IdPrefix, value: string): boolean {
  return value.startsWith(`${prefix}_`) && ULID_PATTERN.test(value.slice(prefix.length + 1));
}

/** Smallest id that a ULID created at `time` can have: a keyset bound for time filters. */
export function idFloorAt(prefix: IdPrefix, time: number): string {
  return `${prefix}_${encodeTime(time)}${'0'.repeat(16)}`;
}

/** The millisecond time an id's ULID carries (the inverse of idFloorAt's time part). */
export function timeOfId(id: string): number {
  const ulidPart = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  let time = 0;
  for (const c of ulidPart) time = time * 32 + ALPHABET.indexOf(c);
  return time;
}
