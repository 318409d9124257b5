/**
 * Seconds a `Retry-After` header asks us to wait: delta-seconds or an HTTP date (RFC 9110
 * §10.2.3), measured from `now`. null when absent or unparseable; 0 for a date in the past.
 */
export function parseRetryAfterSeconds(
  value: string | string[] | undefined,
  now: Date,
): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return null;
  const text = raw.trim();
  // Any number of digits: a huge delay is still a request to wait long, which the retry
  // policy caps (at 1 h), not garbage to be replaced by the short default.
  if (/^\d+$/.test(text)) return Math.min(Number(text), Number.MAX_SAFE_INTEGER);
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Only these statuses carry a Retry-After that a delivery should honour. */
export function honoursRetryAfter(statusCode: number): boolean {
  return statusCode === 429 || statusCode === 503;
}
