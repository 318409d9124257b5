import ipaddr from 'ipaddr.js';
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

/** A duration no shorter than `min` (e.g. '1m'): shorter ones are typos with bad effects. */
const durationAtLeast = (min: string) =>
  duration.pipe(z.number().min(duration.parse(min), `must be at least ${min}`));

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

/**
 * Which proxies may name the client in X-Forwarded-For (Fastify's trustProxy): none (empty),
 * a hop count, or the proxies' addresses/ranges. `true` (trust every hop) is refused: any
 * client could then pick its own address and escape its rate limit.
 */
const trustProxy = z.string().transform((value, ctx): false | number | string[] => {
  const v = value.trim();
  if (v === '') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const bad = entries.find((e) => !ipOrCidr(e));
  if (bad !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${bad}" is not an IP address or CIDR range (give proxy addresses or a hop count)`,
    });
    return z.NEVER;
  }
  return entries;
});

/**
 * Why an OUTBOUND_IPS entry cannot be published, or null. A CIDR with host bits set
 * (203.0.113.10/24) is rejected: receivers' strict parsers (Python's ip_network, Go's
 * netip.ParsePrefix with Masked checks) refuse it, so their allowlists would drop us.
 */
export function outboundIpProblem(entry: string): string | null {
  if (!ipOrCidr(entry)) return `"${entry}" is not an IPv4/IPv6 address or CIDR range`;
  if (!entry.includes('/')) return null;
  try {
    const [address, bits] = ipaddr.parseCIDR(entry);
    const network =
      address.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(entry)
        : ipaddr.IPv6.networkAddressFromCIDR(entry);
    if (network.toString() === address.toString()) return null;
    return `"${entry}" has host bits set: write its network, ${network.toString()}/${bits}`;
  } catch {
    return `"${entry}" is not an IPv4/IPv6 address or CIDR range`;
  }
}

/**
 * OpenTelemetry's `key1=value1,key2=value2` lists (OTEL_RESOURCE_ATTRIBUTES, OTLP headers),
 * values percent-decoded as the specification says.
 */
const keyValueList = z.string().transform((value, ctx): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const entry of value.split(',')) {
    if (entry.trim() === '') continue;
    const at = entry.indexOf('=');
    const key = at > 0 ? entry.slice(0, at).trim() : '';
    if (key === '') {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a list of key=value pairs, comma-separated',
      });
      return z.NEVER;
    }
    try {
      out[key] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `the value of "${key}" is not valid percent-encoding`,
      });
      return z.NEVER;
    }
  }
  return out;
});

const httpUrl = z
  .string()
  .refine(
    (v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol),
    'must be an http(s):// URL',
  );

const otlpProtocol = z.enum(['http/protobuf', 'http/json']);

/** A probability for OTEL_TRACES_SAMPLER_ARG. */
const ratio = z
  .string()
  .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a number from 0 to 1')
  .transform(Number);

export const CONFIG_SCHEMA = {
  PORT: { schema: int(0, 65535), default: '3000', doc: 'HTTP port of the API.' },
  HOST: { schema: z.string().min(1), default: '0.0.0.0', doc: 'Interface the API listens on.' },
  TRUST_PROXY: {
    schema: trustProxy,
    default: '',
    doc: 'Reverse proxies whose `X-Forwarded-For` names the client (per-client rate limit of the public allowlist route): their addresses or CIDR ranges, comma-separated, or a number of hops. Empty: the socket peer is the client.',
  },
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
  PORTAL_SIGNING_KEY: {
    schema: z
      .string()
      .refine(
        (v) => Buffer.from(v, 'base64').length >= 32,
        'must be at least 32 bytes, base64-encoded (openssl rand -base64 32)',
      )
      .optional(),
    default: undefined,
    doc: 'HMAC key (base64, at least 32 bytes) signing customer portal session tokens; changing it ends every session. Unset with the embedded database: generated into `DATA_DIR`. Unset with `DATABASE_URL`: derived from `SECRETS_ENCRYPTION_KEY` (HKDF, own label), so replicas agree without another secret.',
  },
  PUBLIC_URL: {
    schema: z
      .string()
      .url('must be an http(s) URL')
      .regex(/^https?:\/\/[^?#]+$/, 'must be an http(s) URL without query or fragment')
      .optional(),
    default: undefined,
    doc: 'Base URL customers reach this service at (e.g. `https://hooks.example.com`): the portal session `url` is `<PUBLIC_URL>/portal#token=…`. Unset: `http://<HOST>:<PORT>` (`localhost` for `0.0.0.0`).',
  },
  PORTAL_FRAME_ANCESTORS: {
    schema: z
      .string()
      .min(1)
      .regex(/^[^;,\r\n]+$/, 'must be CSP frame-ancestors sources separated by spaces'),
    default: "'self'",
    doc: "CSP `frame-ancestors` of `/portal`: the sites that may embed the portal in an iframe, space-separated (e.g. `'self' https://app.example.com`). Default: same origin only.",
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
    doc: 'Deadline of one delivery attempt: connect, response headers and body together. `WORKER_LEASE_MS` must be at least twice as long.',
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
    doc: 'How long a claimed delivery stays leased before another worker may take it; at least 2 × `DELIVERY_TIMEOUT_MS` (start-up stops otherwise). A send is only started while its lease has a delivery timeout and a margin left.',
  },
  WORKER_SWEEP_INTERVAL_MS: {
    schema: int(100, 600_000),
    default: '1000',
    doc: 'Fallback poll for due retries and expired leases (new messages wake workers at once via LISTEN/NOTIFY).',
  },
  WORKER_HEAP_GROWTH_PERCENT: {
    schema: int(0, 1_000),
    default: '50',
    doc: "Processes that deliver (`ROLE=worker` or `all`): how far V8's old generation may grow past what survived the last full garbage collection before the next one, in percent. Claimed deliveries outlive young-generation collections while they wait to be sent, so V8's own heuristics let a draining worker's heap grow to several times its live size (peak RSS ≈ 310 MB in a 100k drain); 50 kept it at ≈ 185 MB for a few µs of CPU per delivery (BENCHMARKS.md). `0`: V8's own heuristics.",
  },
  ENDPOINT_MAX_IN_FLIGHT: {
    schema: int(1, 1_000),
    default: '16',
    doc: 'Concurrent deliveries per endpoint per worker.',
  },
  REPLAY_RELEASE_BATCH: {
    schema: int(1, 100_000),
    default: '200',
    doc: "Replayed deliveries of an unordered endpoint wait outside the queue; each worker sweep releases at most this many per enabled endpoint, and only while fewer than this many of the endpoint's deliveries are due or being sent, so a backfill never queues ahead of live traffic (a FIFO endpoint's replayed deliveries join its streams at once). Keep it well below `WORKER_CONCURRENCY`.",
  },
  SHUTDOWN_GRACE_MS: {
    schema: int(0, 600_000),
    default: '10000',
    doc: 'On SIGTERM, time to finish in-flight deliveries and record their results (at least 1 s for the records); what is still unrecorded then is logged and sent again after its lease expires.',
  },
  OUTBOUND_IPS: {
    schema: list.pipe(
      z.array(z.string()).superRefine((entries, ctx) => {
        for (const entry of entries) {
          const problem = outboundIpProblem(entry);
          if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
        }
      }),
    ),
    default: '',
    doc: 'Published at `GET /api/v1/outbound-ips` as `webhook_outbound_ips` (addresses or CIDR ranges; a range must be written as its network, e.g. `203.0.113.0/24`, not `203.0.113.10/24`).',
  },
  OUTBOUND_BIND_ADDRESSES: {
    schema: list.pipe(
      z.array(z.string().refine((v) => isIP(v) !== 0, 'each entry must be an IP address')),
    ),
    default: '',
    doc: 'Local addresses deliveries leave from (round-robin); each must be within `OUTBOUND_IPS`.',
  },
  DELIVERY_DENY_ADDRESSES: {
    schema: list.pipe(
      z.array(z.string().refine(ipOrCidr, 'each entry must be an IP address or CIDR range')),
    ),
    default: '',
    doc: "Addresses or CIDR ranges deliveries must never reach, on top of the built-in private ones: e.g. this deployment's public or NAT address, its load balancer, internal services with public IPs. Checked like them (endpoint URLs with a literal IP, every resolved address), also when `DELIVERY_ALLOW_PRIVATE_NETWORKS` is on.",
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
    schema: durationAtLeast('1m'),
    default: '5d',
    doc: 'An endpoint failing every attempt for this long is disabled (at least `1m`).',
  },
  OPERATIONAL_EVENTS_APP: {
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: 'App id or uid that receives operational events (`endpoint.disabled`, `endpoint.circuit_opened`, `message.attempt.exhausted`). Workers warn at start-up when no such app exists: its events are dropped until it is created.',
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
  OTEL_SDK_DISABLED: {
    schema: bool,
    default: 'false',
    doc: 'OpenTelemetry: `true` turns tracing off whatever else is set.',
  },
  OTEL_TRACES_EXPORTER: {
    schema: z.enum(['otlp', 'none']),
    default: 'otlp',
    doc: 'OpenTelemetry: `otlp` exports traces when an OTLP endpoint is set; `none` turns tracing off.',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: httpUrl.optional(),
    default: undefined,
    doc: 'OpenTelemetry: base URL of the OTLP/HTTP collector (traces go to `<url>/v1/traces`). Tracing is off while neither this nor `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set.',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    schema: httpUrl.optional(),
    default: undefined,
    doc: 'OpenTelemetry: full URL traces are posted to (wins over `OTEL_EXPORTER_OTLP_ENDPOINT`).',
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    schema: otlpProtocol,
    default: 'http/protobuf',
    doc: 'OpenTelemetry: `http/protobuf` or `http/json` (gRPC is not supported).',
  },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: {
    schema: otlpProtocol.optional(),
    default: undefined,
    doc: 'OpenTelemetry: protocol of the traces exporter (wins over `OTEL_EXPORTER_OTLP_PROTOCOL`).',
  },
  OTEL_EXPORTER_OTLP_HEADERS: {
    schema: keyValueList,
    default: '',
    doc: "OpenTelemetry: headers of every export request, `key=value` pairs, comma-separated (e.g. the collector's API key; never logged).",
  },
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: {
    schema: keyValueList,
    default: '',
    doc: 'OpenTelemetry: headers of trace export requests (added to, and winning over, `OTEL_EXPORTER_OTLP_HEADERS`).',
  },
  OTEL_EXPORTER_OTLP_TIMEOUT: {
    schema: int(1, 600_000),
    default: '10000',
    doc: 'OpenTelemetry: deadline of one export request, in milliseconds.',
  },
  OTEL_EXPORTER_OTLP_COMPRESSION: {
    schema: z.enum(['none', 'gzip']),
    default: 'none',
    doc: 'OpenTelemetry: compression of export requests.',
  },
  OTEL_SERVICE_NAME: {
    schema: z.string().min(1),
    default: 'hookrelay',
    doc: 'OpenTelemetry: `service.name` of the spans.',
  },
  OTEL_RESOURCE_ATTRIBUTES: {
    schema: keyValueList,
    default: '',
    doc: 'OpenTelemetry: more resource attributes, `key=value` pairs, comma-separated (e.g. `deployment.environment.name=prod`).',
  },
  OTEL_TRACES_SAMPLER: {
    schema: z.enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ]),
    default: 'parentbased_always_on',
    doc: "OpenTelemetry: sampler. The `parentbased_*` ones follow a producer's sampled `traceparent`; a message's attempts follow the decision taken at its ingestion.",
  },
  OTEL_TRACES_SAMPLER_ARG: {
    schema: ratio.optional(),
    default: undefined,
    doc: 'OpenTelemetry: sampling probability of the `*traceidratio` samplers, 0 to 1 (default 1).',
  },
  OTEL_BSP_SCHEDULE_DELAY: {
    schema: int(1, 600_000),
    default: '5000',
    doc: 'OpenTelemetry: milliseconds between two exports of the batch span processor.',
  },
  OTEL_BSP_MAX_QUEUE_SIZE: {
    schema: int(1, 1_000_000),
    default: '2048',
    doc: 'OpenTelemetry: spans buffered for export at most; beyond it new spans are dropped (never the deliveries).',
  },
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: {
    schema: int(1, 1_000_000),
    default: '512',
    doc: 'OpenTelemetry: spans per export request at most (no more than `OTEL_BSP_MAX_QUEUE_SIZE`).',
  },
  OTEL_BSP_EXPORT_TIMEOUT: {
    schema: int(1, 600_000),
    default: '30000',
    doc: 'OpenTelemetry: deadline of one export by the batch span processor, in milliseconds.',
  },
} as const;

export type ConfigKey = keyof typeof CONFIG_SCHEMA;
