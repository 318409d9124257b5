/**
 * What one `npm run bench` run does. Full mode follows issue 8; `--quick` is the CI smoke
 * test (small counts, no 1M backlog, well under a minute). `--profile` runs the service
 * processes with --cpu-prof; `--only=raw,drain,...` runs a subset (for investigating).
 */
export const SCENARIOS = [
  'raw',
  'drain',
  'lean',
  'isolation',
  'ingest',
  'latency',
  'scale',
  'bullmq',
  'fifo',
  'fifo1',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  quick: boolean;
  profile: boolean;
  only: ReadonlySet<ScenarioName>;
  rawConcurrencies: number[];
  rawCount: number;
  rawMaxMs: number;
  /** The raw loop at the latency rate: the reference of (4). */
  rawSteadyMs: number;
  backlog: number;
  largeBacklog: number;
  /** FIFO drain with one ordering key: sent one at a time, so a small backlog. */
  singleKeyBacklog: number;
  batchSize: number;
  batchConcurrency: number;
  ingestConcurrency: number;
  ingestCount: number;
  ingestMaxMs: number;
  latencyRate: number;
  latencyMs: number;
  latencyWarmupMs: number;
  bullmqConcurrency: number;
  /** Quick mode stops waiting for a drain after this long; the rate over what arrived still counts. */
  drainWaitCapMs: number | null;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** BENCH_SERVICE_<VAR>=value in the runner's environment → <VAR>=value for the service (tuning). */
  serviceEnv: Record<string, string>;
}

const SERVICE_ENV_PREFIX = 'BENCH_SERVICE_';

function serviceEnvOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(SERVICE_ENV_PREFIX) && value !== undefined)
      out[name.slice(SERVICE_ENV_PREFIX.length)] = value;
  }
  return out;
}

function parseOnly(argv: readonly string[]): Set<ScenarioName> {
  const arg = argv.find((a) => a.startsWith('--only='));
  if (arg === undefined) return new Set(SCENARIOS);
  const names = arg.slice('--only='.length).split(',');
  const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(
      `--only: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`,
    );
  return new Set(names as ScenarioName[]);
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const quick = argv.includes('--quick');
  const only = parseOnly(argv);
  if (quick) only.delete('scale');
  return {
    quick,
    profile: argv.includes('--profile'),
    only,
    rawConcurrencies: [16, 64],
    rawCount: quick ? 20_000 : 200_000,
    rawMaxMs: quick ? 1_000 : 8_000,
    rawSteadyMs: quick ? 2_000 : 5_000,
    backlog: quick ? 5_000 : 100_000,
    largeBacklog: 1_000_000,
    singleKeyBacklog: quick ? 300 : 2_000,
    batchSize: 1_000,
    batchConcurrency: 4,
    ingestConcurrency: 64,
    ingestCount: quick ? 10_000 : 100_000,
    ingestMaxMs: quick ? 4_000 : 15_000,
    latencyRate: 1_000,
    latencyMs: quick ? 5_000 : 30_000,
    latencyWarmupMs: quick ? 1_000 : 2_000,
    bullmqConcurrency: 64,
    drainWaitCapMs: quick ? 12_000 : null,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    serviceEnv: serviceEnvOf(env),
  };
}
