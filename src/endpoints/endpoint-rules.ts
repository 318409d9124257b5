/**
 * What an endpoint may be configured with, as pure checks returning the broken rule (or null).
 * The DTO decorators and the service (for rules that span fields or need config) share them.
 */

export const URL_MAX_LENGTH = 2048;
export const HEADERS_MAX_ENTRIES = 20;
export const HEADER_NAME_MAX_LENGTH = 128;
export const HEADER_VALUE_MAX_LENGTH = 1024;
export const AUTH_TOKEN_MAX_LENGTH = 1024;
export const SIGNATURE_HEADER_MAX_LENGTH = 128;

/** RFC 9110 token: the characters a header field name may use. */
export const HTTP_TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A character a header value may not hold: the complement of what undici, which sends the
 * deliveries, accepts (`headerCharRegex` in undici/lib/core/util.js: HTAB, SP, visible ASCII,
 * obs-text U+0080-U+00FF). A value it refuses would fail every delivery of the endpoint.
 */
const HEADER_VALUE_FORBIDDEN_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Names a caller may not set: hop-by-hop and framing headers (the HTTP client owns them),
 * `authorization` (authToken exists for it) and the headers the delivery itself sets.
 */
export const RESERVED_HEADER_NAMES: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-type',
  'authorization',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  // Sent by the service when the endpoint's sendTraceContext is on.
  'traceparent',
]);

export function endpointUrlProblem(value: string): string | null {
  if (value.length > URL_MAX_LENGTH) return `must be at most ${URL_MAX_LENGTH} characters`;
  // WHATWG parsing silently drops tabs and newlines; a URL that needed them is not the one meant.
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\u0000-\u001f\u007f\s]/.test(value))
    return 'must not contain whitespace or control characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username !== '' || url.password !== '')
    return 'must not contain credentials (use authToken or headers)';
  if (url.hostname === '') return 'must name a host';
  if (url.port === '0') return 'must not use port 0';
  return null;
}

export function headerNameProblem(
  name: string,
  signatureHeader: string | null = null,
): string | null {
  if (name.length === 0 || name.length > HEADER_NAME_MAX_LENGTH || !HTTP_TOKEN_PATTERN.test(name)) {
    return `header name "${name.slice(0, HEADER_NAME_MAX_LENGTH)}" must be an HTTP token of at most ${HEADER_NAME_MAX_LENGTH} characters`;
  }
  const lower = name.toLowerCase();
  if (lower === 'authorization') return 'header "authorization" cannot be set here; use authToken';
  if (RESERVED_HEADER_NAMES.has(lower)) return `header "${name}" is reserved and cannot be set`;
  if (signatureHeader !== null && lower === signatureHeader.toLowerCase()) {
    return `header "${name}" is this endpoint's signatureHeader and cannot be set`;
  }
  return null;
}

/** Problems of a whole `headers` object; empty when it can be saved. */
export function headersProblems(headers: unknown, signatureHeader: string | null = null): string[] {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    return ['must be an object of header name to string value'];
  const entries = Object.entries(headers);
  if (entries.length > HEADERS_MAX_ENTRIES)
    return [`must have at most ${HEADERS_MAX_ENTRIES} entries`];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    const nameProblem = headerNameProblem(name, signatureHeader);
    if (nameProblem) problems.push(nameProblem);
    else if (seen.has(name.toLowerCase()))
      problems.push(`header "${name}" is given twice (names are case-insensitive)`);
    seen.add(name.toLowerCase());
    if (typeof value !== 'string') problems.push(`header "${name}" must have a string value`);
    else if (value.length > HEADER_VALUE_MAX_LENGTH)
      problems.push(`header "${name}" value must be at most ${HEADER_VALUE_MAX_LENGTH} characters`);
    else {
      const forbidden = HEADER_VALUE_FORBIDDEN_CHAR.exec(value);
      if (forbidden) problems.push(headerValueCharProblem(name, forbidden));
    }
  }
  return problems;
}

function headerValueCharProblem(name: string, found: RegExpExecArray): string {
  const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `header "${name}" value may only hold tab, space, visible ASCII and U+0080-U+00FF characters (found U+${code} at index ${found.index})`;
}

/**
 * How the authToken becomes the Authorization header: "bearer" sends `Bearer <token>`; "raw"
 * sends the token itself as the whole value (receivers that expect `Basic …` or a bare key).
 */
export const AUTH_TOKEN_SCHEMES = ['bearer', 'raw'] as const;
export type AuthTokenScheme = (typeof AUTH_TOKEN_SCHEMES)[number];

/**
 * The rule every authToken meets, whatever its scheme: printable ASCII (no CR, LF or other
 * control characters), spaces only between other characters (HTTP strips them at the ends,
 * so a receiver would never see the exact value).
 */
export function authTokenProblem(token: string): string | null {
  if (token.length < 1 || token.length > AUTH_TOKEN_MAX_LENGTH)
    return `must be 1 to ${AUTH_TOKEN_MAX_LENGTH} characters`;
  if (!/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(token))
    return 'must be printable ASCII, with spaces only between other characters';
  return null;
}

/**
 * What the scheme adds to authTokenProblem, given the token the endpoint will hold (null: none).
 * The bearer token goes after `Bearer `, so it may hold no space (RFC 6750 b64token).
 */
export function authTokenSchemeProblem(
  scheme: AuthTokenScheme,
  token: string | null,
): string | null {
  if (scheme === 'raw' && token === null)
    return '"raw" needs an authToken (it is the whole Authorization value)';
  if (scheme === 'bearer' && token !== null && token.includes(' '))
    return 'with "bearer" the authToken must not contain spaces (use "raw" to send it as the whole Authorization value)';
  return null;
}

/** The Authorization header value a delivery carries for this token. */
export function authorizationValue(token: string, scheme: AuthTokenScheme): string {
  return scheme === 'raw' ? token : `Bearer ${token}`;
}

export function signatureHeaderProblem(name: string): string | null {
  if (name.length > SIGNATURE_HEADER_MAX_LENGTH || !HTTP_TOKEN_PATTERN.test(name)) {
    return `must be an HTTP header name (token) of at most ${SIGNATURE_HEADER_MAX_LENGTH} characters`;
  }
  const lower = name.toLowerCase();
  // webhook-signature is always sent; naming it again would duplicate it.
  if (RESERVED_HEADER_NAMES.has(lower)) return `"${name}" is a reserved header name`;
  return null;
}

/** What the API shows of a stored auth token: never enough to use it. */
export function authTokenHint(token: string | null): string | null {
  if (token === null) return null;
  return token.length >= 12 ? `…${token.slice(-4)}` : '…';
}
