import { SsrfBlockedError } from '../../egress/ssrf/guarded-lookup';

/**
 * Why a delivery attempt failed, in words an endpoint owner can act on. Stored with every
 * failed attempt and shown in the dashboard/API, so it must stay a small closed set.
 * `status` and `redirect` are normally assigned by the sender from the response itself; they
 * appear here too because undici can raise them as errors (response-error interceptor,
 * redirect limits).
 */
export type DeliveryErrorClass =
  | 'timeout'
  | 'dns'
  | 'refused'
  | 'reset'
  | 'tls'
  | 'connection'
  | 'blocked'
  | 'status'
  | 'redirect'
  | 'invalid_response'
  /** The endpoint's stored configuration cannot be used (secret undecryptable, URL invalid). */
  | 'config';

export interface ClassifiedDeliveryError {
  errorClass: DeliveryErrorClass;
  message: string;
}

/** The sender's own deadline (DELIVERY_TIMEOUT_MS over the whole exchange) ran out. */
export class DeliveryDeadlineError extends Error {
  readonly code = 'DELIVERY_DEADLINE';

  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
    this.name = 'DeliveryDeadlineError';
  }
}

const MAX_MESSAGE_LENGTH = 200;
/** undici wraps errors (fetch → TypeError "fetch failed" → cause); real chains are shallow. */
const MAX_CAUSE_DEPTH = 8;

const CLASS_BY_CODE: Readonly<Record<string, DeliveryErrorClass>> = {
  DELIVERY_DEADLINE: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  EAI_NODATA: 'dns',
  ENODATA: 'dns',
  ESERVFAIL: 'dns',
  EBADNAME: 'dns',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  ECONNABORTED: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  EHOSTUNREACH: 'connection',
  ENETUNREACH: 'connection',
  ENETDOWN: 'connection',
  EHOSTDOWN: 'connection',
  EADDRNOTAVAIL: 'connection',
  EBLOCKED: 'blocked',
  UND_ERR_RESPONSE: 'status',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'invalid_response',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'invalid_response',
  UND_ERR_HEADERS_OVERFLOW: 'invalid_response',
  UND_ERR_INFO: 'invalid_response',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  HOSTNAME_MISMATCH: 'tls',
};

/** OpenSSL/Node TLS failures come in families; listing every member would go stale. */
const TLS_CODE_PREFIXES = ['CERT_', 'ERR_TLS_', 'ERR_SSL_', 'ERR_OSSL_', 'UNABLE_TO_'];

const CLASS_BY_NAME: Readonly<Record<string, DeliveryErrorClass>> = {
  ConnectTimeoutError: 'timeout',
  HeadersTimeoutError: 'timeout',
  BodyTimeoutError: 'timeout',
  // AbortSignal.timeout() rejects with a DOMException named TimeoutError; the sender only
  // aborts on its own deadline, so a plain AbortError is a timeout too.
  TimeoutError: 'timeout',
  AbortError: 'timeout',
  HTTPParserError: 'invalid_response',
};

const DEFAULT_MESSAGES: Readonly<Record<DeliveryErrorClass, string>> = {
  timeout: 'Timed out',
  dns: 'DNS lookup failed',
  refused: 'Connection refused',
  reset: 'Connection reset by the receiver',
  tls: 'TLS handshake failed',
  connection: 'Connection failed',
  blocked: 'Destination address is not allowed',
  status: 'Receiver answered with an error status',
  redirect: 'Receiver redirected',
  invalid_response: 'Receiver sent an invalid HTTP response',
  config: 'Endpoint configuration is unusable',
};

interface ErrorFacts {
  readonly isSsrfBlock: boolean;
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly hostname?: string;
  readonly address?: string;
  readonly port?: number;
  readonly timeoutMs?: number;
}

export function classifyDeliveryError(err: unknown): ClassifiedDeliveryError {
  const chain = causeChain(err);
  for (const link of chain) {
    const errorClass = classOf(link);
    if (errorClass) return { errorClass, message: messageFor(errorClass, link) };
  }
  const outermost = chain[0];
  return {
    errorClass: 'connection',
    message: sanitizeMessage(outermost?.message) ?? DEFAULT_MESSAGES.connection,
  };
}

/**
 * The error, its `cause`s and, for AggregateError (Node's happy-eyeballs connect failing on
 * every address), its first member. Outermost first: the most specific known link wins.
 */
function causeChain(err: unknown): ErrorFacts[] {
  const chain: ErrorFacts[] = [];
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (isObject(current) && !seen.has(current) && chain.length < MAX_CAUSE_DEPTH) {
    seen.add(current);
    chain.push(factsOf(current));
    const errors = current instanceof AggregateError ? current.errors : undefined;
    current = current.cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  if (chain.length === 0 && typeof err === 'string')
    chain.push({ isSsrfBlock: false, message: err });
  return chain;
}

function classOf(facts: ErrorFacts): DeliveryErrorClass | null {
  if (facts.isSsrfBlock) return 'blocked';
  const { code, name, message } = facts;
  if (code) {
    const byCode = CLASS_BY_CODE[code];
    if (byCode) return byCode;
    if (TLS_CODE_PREFIXES.some((prefix) => code.startsWith(prefix))) return 'tls';
    if (code.startsWith('HPE_')) return 'invalid_response';
  }
  if (name && CLASS_BY_NAME[name]) return CLASS_BY_NAME[name];
  // undici's redirect handler throws plain errors for these; the text is all there is.
  if (message && /^max redirects$|^Redirect loop detected/.test(message)) return 'redirect';
  return null;
}

function messageFor(errorClass: DeliveryErrorClass, facts: ErrorFacts): string {
  const base = DEFAULT_MESSAGES[errorClass];
  switch (errorClass) {
    case 'blocked':
      // Our own message: names host, address and rule, nothing from the request.
      return sanitizeMessage(facts.message) ?? base;
    case 'dns':
      return `${base} (${facts.code}${facts.hostname ? ` for ${facts.hostname}` : ''})`;
    case 'timeout':
      return timeoutMessage(facts);
    case 'redirect':
    case 'status':
      return sanitizeMessage(facts.message) ?? base;
    case 'refused':
    case 'reset':
    case 'connection':
      return `${base}${facts.code ? ` (${facts.code})` : ''}${peerOf(facts)}`;
    default:
      return facts.code ? `${base} (${facts.code})` : base;
  }
}

/** The socket's peer, as Node reports it on connect errors: an address and port, no URL. */
function peerOf(facts: ErrorFacts): string {
  if (!facts.address) return '';
  const host = facts.address.includes(':') ? `[${facts.address}]` : facts.address;
  return facts.port === undefined ? ` to ${host}` : ` to ${host}:${facts.port}`;
}

function timeoutMessage(facts: ErrorFacts): string {
  switch (facts.code ?? facts.name) {
    case 'DELIVERY_DEADLINE':
      return `Timed out: no complete response within the delivery timeout${facts.timeoutMs === undefined ? '' : ` (${facts.timeoutMs} ms)`}`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ConnectTimeoutError':
    case 'ETIMEDOUT':
      return 'Timed out connecting';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'HeadersTimeoutError':
      return 'Timed out waiting for response headers';
    case 'UND_ERR_BODY_TIMEOUT':
    case 'BodyTimeoutError':
      return 'Timed out reading the response body';
    default:
      return 'Timed out: request deadline exceeded';
  }
}

/**
 * Raw messages can quote the request URL (fetch does, credentials included) and header names or
 * values. Keep scheme://host of any URL, drop user info, path and query; one short line.
 */
function sanitizeMessage(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const cleaned = message
    .replace(/\b([a-z][a-z0-9+.-]*):\/\/(?:[^\s/?#@]*@)?([^\s/?#@]*)[^\s]*/gi, '$1://$2')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return undefined;
  return cleaned.length > MAX_MESSAGE_LENGTH
    ? cleaned.slice(0, MAX_MESSAGE_LENGTH - 1) + '…'
    : cleaned;
}

function factsOf(value: Record<string | symbol, unknown>): ErrorFacts {
  const port = value.port;
  const timeoutMs = value.timeoutMs;
  return {
    isSsrfBlock: value instanceof SsrfBlockedError,
    name: stringField(value, 'name'),
    code: stringField(value, 'code'),
    message: stringField(value, 'message'),
    hostname: stringField(value, 'hostname'),
    address: stringField(value, 'address'),
    port: typeof port === 'number' ? port : undefined,
    timeoutMs: typeof timeoutMs === 'number' ? timeoutMs : undefined,
  };
}

function stringField(value: Record<string | symbol, unknown>, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

function isObject(value: unknown): value is Record<string | symbol, unknown> {
  return typeof value === 'object' && value !== null;
}
