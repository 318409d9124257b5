/**
 * Whether an error means "the database cannot be reached or cannot serve right now", as
 * opposed to a bug or a refused statement: such requests answer 503 (retry later), not 500.
 * pg gives no code to some of these, so a few of its messages are matched as well.
 */

/** SQLSTATE classes 08 (connection exception) and 53 (insufficient resources), and 57P01-57P05 (shutdown, cannot connect now, …). */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-5])$/;

/** Socket-level failures to reach the server. */
const UNREACHABLE_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** pg and pg-pool errors that carry no code. */
const UNAVAILABLE_MESSAGES = [
  /^timeout exceeded when trying to connect$/,
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

/** Duck-typed, not `instanceof Error`: errors made by Node's own modules come from another realm under Jest's VM. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message, driverError } = err as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
  };
  // TypeORM wraps the driver's error in `driverError`.
  if (driverError !== undefined && driverError !== err && isDatabaseUnavailable(driverError))
    return true;
  if (typeof code === 'string')
    return UNAVAILABLE_SQLSTATE.test(code) || UNREACHABLE_SOCKET_CODES.has(code);
  return (
    typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))
  );
}
