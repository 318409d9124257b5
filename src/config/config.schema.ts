import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every environment variable the service reads, with its default. The README's
 * configuration table mirrors this file (a test checks that they agree).
 * Parsed once at start-up; a bad value stops the process with a message naming it.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** "5d", "12h", "30m", "15s", "250ms" → milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as 250ms, 15s, 30m, 12h or 5d')
  .transform((v) => {
    const [, n, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(v) as RegExpExecArray;
    return Number(n) * DURATION_UNITS[unit];
  });

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

const ipOrCidr = (value: string): boolean => {
  const [addr, bits, extra] = value.split('/');
  if (extra !== undefined || isIP(addr) === 0) return false;
  if (bits === undefined) return true;
  const max = isIP(addr) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
};

export const CONFIG_SCHEMA = {
  PORT: { schema: int(0, 65535), default: '3000', doc: 'HTTP port of the API.' },
  HOST: { schema: z.string().min(1), default: '0.0.0.0', doc: 'Interface the API listens on.' },
  ROLE: {
    schema: z.enum(['all', 'api', 'worker']),
    default: 'all',
    doc: '`api` serves HTTP, `worker` delivers, `all` does both in one process.',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    default: undefined,
    doc: 'PostgreSQL connection URL. Unset: an embedded PostgreSQL is started with its data in `DATA_DIR`.',
  },
  DATA_DIR: {
    schema: z.string().min(1),
    default: './.data',
    doc: 'Where the embedded PostgreSQL and generated keys are kept.',
  },
  EMBEDDED_POSTGRES_PORT: {
    schema: int(1, 65535),
    default: '54329',
    doc: 'Port of the embedded PostgreSQL (only when `DATABASE_URL` is unset).',
  },
  DATABASE_POOL_SIZE: { schema: int(1, 200), default: '10', doc: 'Connections per process.' },
  ADMIN_API_KEYS: {
    schema: list.pipe(z.array(z.string().min(16, 'each key needs at least 16 characters'))),
    default: '',
    doc: 'Comma-separated API keys accepted as `Authorization: Bearer <key>` (several, so a key can be rotated). Unset with the embedded database: one is generated into `DATA_DIR` and printed once. Required with `DATABASE_URL`.',
  },
  SECRETS_ENCRYPTION_KEY: {
    schema: z
      .string()
      .refine(
        (v) => Buffer.from(v, 'base64').length === 32,
        'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
      )
      .optional(),
    default: undefined,
    doc: 'AES-256-GCM key (base64 of 32 bytes) encrypting endpoint secrets and tokens at rest. Unset with the embedded database: generated into `DATA_DIR`. Required with `DATABASE_URL`.',
  },
  MAX_PAYLOAD_BYTES: {
    schema: int(1, 16 * 1024 * 1024),
    default: '262144',
    doc: 'Largest message payload (413 above).',
  },
  MAX_REQUEST_BYTES: {
    schema: int(1024, 256 * 1024 * 1024),
    default: '16777216',
    doc: 'Largest request body, e.g. a batch of messages (413 above).',
  },
  DELIVERY_TIMEOUT_MS: {
    schema: int(100, 300_000),
    default: '15000',
    doc: 'Connect + response timeout of one delivery attempt.',
  },
  WORKER_CONCURRENCY: {
    schema: int(1, 10_000),
    default: '512',
    doc: 'Deliveries in flight per worker process.',
  },
  WORKER_BATCH_SIZE: {
    schema: int(1, 5_000),
    default: '500',
    doc: 'Deliveries claimed per database round trip.',
  },
  WORKER_LEASE_MS: {
    schema: int(1_000, 3_600_000),
    default: '60000',
    doc: 'How long a claimed delivery stays leased before another worker may take it.',
  },
  WORKER_SWEEP_INTERVAL_MS: {
    schema: int(100, 600_000),
    default: '1000',
    doc: 'Fallback poll for due retries and expired leases (new messages wake workers at once via LISTEN/NOTIFY).',
  },
  ENDPOINT_MAX_IN_FLIGHT: {
    schema: int(1, 1_000),
    default: '16',
    doc: 'Concurrent deliveries per endpoint per worker.',
  },
  SHUTDOWN_GRACE_MS: {
    schema: int(0, 600_000),
    default: '10000',
    doc: 'On SIGTERM, time to finish in-flight deliveries before releasing them.',
  },
  OUTBOUND_IPS: {
    schema: list.pipe(
      z.array(z.string().refine(ipOrCidr, 'each entry must be an IPv4/IPv6 address or CIDR range')),
    ),
    default: '',
    doc: 'Published at `GET /api/v1/outbound-ips` as `webhook_outbound_ips` (addresses or CIDR ranges).',
  },
  OUTBOUND_BIND_ADDRESSES: {
    schema: list.pipe(
      z.array(z.string().refine((v) => isIP(v) !== 0, 'each entry must be an IP address')),
    ),
    default: '',
    doc: 'Local addresses deliveries leave from (round-robin); each must be within `OUTBOUND_IPS`.',
  },
  DELIVERY_ALLOW_PRIVATE_NETWORKS: {
    schema: bool,
    default: 'false',
    doc: 'Allow deliveries to loopback/private/link-local addresses (development and tests only: it disables the SSRF guard).',
  },
  CIRCUIT_BREAKER_THRESHOLD: {
    schema: int(1, 10_000),
    default: '10',
    doc: "Consecutive failures that open an endpoint's circuit.",
  },
  ENDPOINT_DISABLE_AFTER: {
    schema: duration,
    default: '5d',
    doc: 'An endpoint failing every attempt for this long is disabled.',
  },
  OPERATIONAL_EVENTS_APP: {
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: 'App id or uid that receives operational events (`endpoint.disabled`, `endpoint.circuit_opened`, `message.attempt.exhausted`).',
  },
  RETENTION_DAYS: {
    schema: int(1, 3650),
    default: '30',
    doc: 'Messages, deliveries and attempts older than this are removed (pending deliveries never).',
  },
  METRICS_TOKEN: {
    schema: z.string().min(16).optional(),
    default: undefined,
    doc: 'Bearer token for `GET /metrics` (an admin key also works).',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'Log level of the JSON logs.',
  },
  HTTP_LOG_REQUESTS: {
    schema: bool,
    default: 'false',
    doc: 'Log one line per HTTP request (off by default: the ingest path is hot).',
  },
} as const;

export type ConfigKey = keyof typeof CONFIG_SCHEMA;
