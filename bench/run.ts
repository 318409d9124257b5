import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { BenchOptions, parseOptions, ScenarioName } from './bench-options';
import { BenchContext, forkBenchChild } from './context';
import { LoadgenProtocol } from './loadgen/loadgen-protocol';
import { ReceiverProtocol } from './receiver/receiver-protocol';
import { BenchResults, Machine } from './report/bench-results';
import { formatTable } from './report/print-table';
import { formatProfile, summariseProfileDir } from './report/profile-summary';
import { writeResultsFile } from './report/results-file';
import { tableRows } from './report/table-rows';
import { runBullmq } from './scenarios/bullmq';
import { runDrain } from './scenarios/drain';
import { runIngestScenario } from './scenarios/ingest';
import { runLatency } from './scenarios/latency';
import { runLeanReference } from './scenarios/lean-reference';
import { receiverRoundTripMs, runRawLimit } from './scenarios/raw-limit';
import { AdminApi } from './service/admin-api';
import { startBenchDatabase } from './service/bench-database';
import { ServiceProcess, snapshotServiceBuild } from './service/service-process';
import { freePort } from './shared/ports';
import { RpcClient } from './shared/rpc';

/**
 * `npm run bench [-- --quick] [-- --profile] [-- --only=raw,drain]`: starts a receiver, a load
 * generator, the database, the API (ROLE=api) and, per scenario, one worker (ROLE=worker),
 * each as its own process; prints the table and writes bench/results/<timestamp>.json.
 * Exit code 0 unless something broke (targets are reported, never asserted).
 */

type Step = (ctx: BenchContext, results: BenchResults) => Promise<void>;

const STEPS: Array<[ScenarioName, Step]> = [
  ['raw', async (ctx, r) => void (r.raw = await runRawLimit(ctx, ctx.options.only.has('latency')))],
  [
    'drain',
    async (ctx, r) =>
      void (r.drain = await runDrain(ctx, {
        tag: 'drain',
        backlog: ctx.options.backlog,
        noisyEndpoints: [],
      })),
  ],
  ['lean', async (ctx, r) => void (r.lean = await runLeanReference(ctx))],
  [
    'isolation',
    async (ctx, r) =>
      void (r.isolation = await runDrain(ctx, {
        tag: 'isolation',
        backlog: ctx.options.backlog,
        noisyEndpoints: ['hole', 'fail'],
      })),
  ],
  ['ingest', async (ctx, r) => void (r.ingest = await runIngestScenario(ctx))],
  ['latency', async (ctx, r) => void (r.latency = await runLatency(ctx))],
  [
    'scale',
    async (ctx, r) =>
      void (r.scale = await runDrain(ctx, {
        tag: 'scale',
        backlog: ctx.options.largeBacklog,
        noisyEndpoints: [],
      })),
  ],
  ['bullmq', async (ctx, r) => void (r.bullmq = await runBullmq(ctx))],
  [
    'fifo',
    async (ctx, r) =>
      void (r.fifo = await runDrain(ctx, {
        tag: 'fifo',
        backlog: ctx.options.backlog,
        noisyEndpoints: [],
        fifoKeys: 1_000,
      })),
  ],
  [
    'fifo1',
    async (ctx, r) => {
      r.fifo1 = await runDrain(ctx, {
        tag: 'fifo1',
        backlog: ctx.options.singleKeyBacklog,
        noisyEndpoints: [],
        fifoKeys: 1,
      });
      r.fifo1RoundTripMs = await receiverRoundTripMs(ctx);
    },
  ],
];

/** Which source the measured build came from (best effort: not a git checkout → 'unknown'). */
function sourceRevision(): string {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--', 'src')
      .split('\n')
      .filter((l) => l !== '').length;
    return `${git('rev-parse', '--short', 'HEAD')}${changed > 0 ? ` + ${changed} uncommitted src files` : ''}`;
  } catch {
    return 'unknown';
  }
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function runScenarios(
  options: BenchOptions,
  runDir: string,
  results: BenchResults,
): Promise<Machine> {
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    const source = sourceRevision();
    const loadAtStart = loadavg()[0];
    snapshotServiceBuild();
    const receiverChild = forkBenchChild('receiver/receiver.js');
    cleanups.push(() => void receiverChild.kill());
    const receiver = new RpcClient<ReceiverProtocol>(receiverChild, 'receiver');
    const { port: receiverPort } = await receiver.call('start', { port: 0 });
    const loadgenChild = forkBenchChild('loadgen/loadgen.js');
    cleanups.push(() => void loadgenChild.kill());

    const db = await startBenchDatabase(options.databaseUrl);
    cleanups.push(() => db.stop());
    const apiKey = randomBytes(24).toString('hex');
    const encryptionKey = randomBytes(32).toString('base64');
    const profileDir = (label: string): string | undefined =>
      options.profile ? join(runDir, 'profiles', label) : undefined;
    const start = async (role: 'api' | 'worker', label: string): Promise<ServiceProcess> => {
      const dir = profileDir(label);
      if (dir !== undefined) mkdirSync(dir, { recursive: true });
      return ServiceProcess.start({
        role,
        port: await freePort(),
        databaseUrl: db.url,
        apiKey,
        encryptionKey,
        logFile: join(runDir, `${label}.log`),
        profileDir: dir,
        env: options.serviceEnv,
      });
    };
    console.error(
      `bench: database ${db.embedded ? 'embedded' : 'external'} PostgreSQL ${db.version}; logs in ${runDir}`,
    );
    const api = await start('api', 'api');
    cleanups.push(() => api.stop());
    const ctx: BenchContext = {
      options,
      runDir,
      db,
      api,
      admin: new AdminApi(api.origin, apiKey),
      apiKey,
      receiver,
      receiverOrigin: `http://127.0.0.1:${receiverPort}`,
      loadgen: new RpcClient<LoadgenProtocol>(loadgenChild, 'load generator'),
      receiverPid: receiverChild.pid,
      loadgenPid: loadgenChild.pid,
      startWorker: (label) => start('worker', `worker-${label}`),
    };
    for (const [name, step] of STEPS) {
      if (!options.only.has(name)) continue;
      const began = Date.now();
      console.error(`bench: ${name} …`);
      try {
        await step(ctx, results);
        console.error(`bench: ${name} done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
      } catch (err) {
        results.errors[name] = describe(err);
        console.error(`bench: ${name} FAILED: ${describe(err)}`);
      }
    }
    results.apiPeakRssMb = api.peakRssMb();
    return {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryMb: Math.round(totalmem() / 2 ** 20),
      node: process.version,
      platform: `${platform()} ${release()}`,
      postgres: db.version,
      database: db.embedded ? 'embedded' : 'external',
      source,
      loadAverage: { start: loadAtStart, end: loadavg()[0] },
    };
  } finally {
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const startedAt = new Date();
  const runDir = mkdtempSync(join(tmpdir(), 'hookrelay-bench-'));
  const results: BenchResults = { errors: {} };
  let machine: Machine;
  try {
    machine = await runScenarios(options, runDir, results);
  } catch (err) {
    console.error(`bench: harness failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
    return;
  }
  const rows = tableRows(results, options.backlog, options.largeBacklog);
  console.log(
    `\nhookrelay bench (${options.quick ? 'quick' : 'full'}), ${machine.cpus} CPUs, node ${machine.node}, PostgreSQL ${machine.postgres} (${machine.database}), source ${machine.source}, load average ${machine.loadAverage.start.toFixed(1)} → ${machine.loadAverage.end.toFixed(1)}\n`,
  );
  console.log(formatTable(rows));
  const profilesDir = join(runDir, 'profiles');
  if (options.profile && existsSync(profilesDir)) {
    for (const label of ['api', ...Object.keys(results).map((k) => `worker-${k}`)]) {
      const dir = join(profilesDir, label);
      if (existsSync(dir))
        for (const summary of summariseProfileDir(dir))
          console.log(`\n[${label}] ${formatProfile(summary)}`);
    }
  }
  console.log(`\nresults: ${writeResultsFile(startedAt, options, machine, results, rows)}`);
  const failed = Object.keys(results.errors);
  if (failed.length > 0) {
    console.error(`bench: scenarios that broke: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

void main();
