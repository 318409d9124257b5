import { BenchResults } from './bench-results';

/** One line of the console table and of BENCHMARKS.md. */
export interface TableRow {
  figure: string;
  value: number | null;
  unit: string;
  reference: string;
  ratio: number | null;
  target: string;
  met: boolean | null;
}

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;

const fmt = (v: number | null | undefined, unit: string): string =>
  v === null || v === undefined
    ? 'n/a'
    : `${v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)} ${unit}`;

const atLeast = (v: number | null | undefined, min: number): boolean | null =>
  v === null || v === undefined ? null : v >= min;
const atMost = (v: number | null | undefined, max: number): boolean | null =>
  v === null || v === undefined ? null : v <= max;

/** The issue's figures with their same-run references and the targets for this machine. */
export function tableRows(r: BenchResults, backlog: number, largeBacklog: number): TableRow[] {
  const raw = r.raw?.deliveriesPerSecond;
  const drain = r.drain?.deliveriesPerSecond;
  const rows: TableRow[] = [];
  const rawRef = `raw ${fmt(raw, '/s')}`;
  rows.push({
    figure: '1. raw limit (undici + HMAC, no persistence)',
    value: raw ?? null,
    unit: 'req/s',
    reference: '—',
    ratio: null,
    target: '—',
    met: null,
  });
  const drainRatio = ratio(drain, raw);
  rows.push({
    figure: `2. drain ${backlog.toLocaleString('en-US')} backlog, 1 worker`,
    value: drain ?? null,
    unit: 'deliveries/s',
    reference: rawRef,
    ratio: drainRatio,
    target: '≥ 0.50',
    met: atLeast(drainRatio, 0.5),
  });
  rows.push(cpuRow(r));
  rows.push(...leanRows(r));
  const single = r.ingest?.acceptedPerSecond;
  rows.push({
    figure: '3a. ingest, single POST /messages, 64 clients',
    value: single ?? null,
    unit: 'msg/s',
    reference: rawRef,
    ratio: ratio(single, raw),
    target: '≥ 0.35',
    met: atLeast(ratio(single, raw), 0.35),
  });
  const ingestCpu = r.ingest?.cpuMicrosPerMessage;
  rows.push({
    figure: ingestCpu
      ? `3c. CPU per single-message ingest: API ${ingestCpu.api} + PostgreSQL ${ingestCpu.postgres} + clients ${ingestCpu.loadgen}`
      : '3c. CPU per single-message ingest (API + PostgreSQL + clients)',
    value: ingestCpu ? ingestCpu.api + ingestCpu.postgres : null,
    unit: 'µs',
    reference: '—',
    ratio: null,
    target: '—',
    met: null,
  });
  const batch = r.drain?.load.messagesPerSecond;
  rows.push({
    figure: '3b. ingest, batch API (1,000/request, 4 in flight)',
    value: batch ?? null,
    unit: 'msg/s',
    reference: rawRef,
    ratio: ratio(batch, raw),
    target: '≥ 30,000/s',
    met: atLeast(batch, 30_000),
  });
  const batchCpu = r.drain?.loadCpuMicrosPerMessage;
  rows.push({
    figure: batchCpu
      ? `3d. CPU per batched message: API ${batchCpu.api} + PostgreSQL ${batchCpu.postgres} + client ${batchCpu.loadgen}`
      : '3d. CPU per batched message (API + PostgreSQL + client)',
    value: batchCpu ? batchCpu.api + batchCpu.postgres : null,
    unit: 'µs',
    reference: '—',
    ratio: null,
    target: '—',
    met: null,
  });
  const e2e = r.latency?.endToEndMs;
  const floor = r.raw?.steady?.requestLatencyMs;
  const latencyRow = (name: 'p50' | 'p99' | 'max', max: number | null): TableRow => ({
    figure: `4. latency 202→receiver ${name} at 1,000 msg/s`,
    value: e2e?.[name] ?? null,
    unit: 'ms',
    reference: `raw POST ${fmt(floor?.[name], 'ms')}`,
    ratio: ratio(e2e?.[name], floor?.[name]),
    target: max === null ? '—' : `≤ ${max} ms`,
    met: max === null ? null : atMost(e2e?.[name], max),
  });
  rows.push(latencyRow('p50', 5), latencyRow('p99', 15), latencyRow('max', null));
  // The 202 latency says whether the API kept up with the offered rate: if it did not, the
  // 202→receiver figures above leave out the time messages queued before being accepted.
  const steady = r.latency?.steady;
  rows.push({
    figure: '4d. POST /messages → 202 p50 during (4)',
    value: steady?.requestLatencyMs.p50 ?? null,
    unit: 'ms',
    reference:
      steady === undefined
        ? '—'
        : `achieved ${fmt(steady.achievedRatePerSecond, '/s')}, ${steady.skipped} not sent`,
    ratio: ratio(steady?.requestLatencyMs.p50, floor?.p50),
    target: '—',
    met: null,
  });
  const healthy = r.isolation?.deliveriesPerSecond;
  const isolationRatio = ratio(healthy, drain);
  rows.push({
    figure: '5. isolation: healthy endpoint beside black-hole + 500',
    value: healthy ?? null,
    unit: 'deliveries/s',
    reference: `drain ${fmt(drain, '/s')}`,
    ratio: isolationRatio,
    target: '≥ 0.90',
    met: atLeast(isolationRatio, 0.9),
  });
  const large = r.scale?.deliveriesPerSecond;
  const scaleRatio = ratio(large, drain);
  rows.push({
    figure: `6. drain ${largeBacklog.toLocaleString('en-US')} backlog`,
    value: large ?? null,
    unit: 'deliveries/s',
    reference: `drain ${fmt(drain, '/s')}`,
    ratio: scaleRatio,
    target: '≥ 0.95',
    met: atLeast(scaleRatio, 0.95),
  });
  for (const [name, result] of [
    ['2', r.drain],
    ['6', r.scale],
  ] as const) {
    rows.push({
      figure: `7. worker peak RSS during (${name})`,
      value: result?.workerPeakRssMb ?? null,
      unit: 'MB',
      reference: `idle ${fmt(result?.workerIdleRssMb, 'MB')}`,
      ratio: ratio(result?.workerPeakRssMb, result?.workerIdleRssMb),
      target: '≤ 256 MB',
      met: atMost(result?.workerPeakRssMb, 256),
    });
  }
  const bull =
    r.bullmq !== undefined && 'deliveriesPerSecond' in r.bullmq
      ? r.bullmq.deliveriesPerSecond
      : null;
  const bullNote =
    r.bullmq !== undefined && 'skipped' in r.bullmq ? `skipped: ${r.bullmq.skipped}` : rawRef;
  rows.push({
    figure: '8. BullMQ + Redis sender, same drain',
    value: bull,
    unit: 'deliveries/s',
    reference: bullNote,
    ratio: ratio(bull, raw),
    target: '— (comparison)',
    met: null,
  });
  if (bull !== null) {
    rows.push({
      figure: '8b. service drain vs BullMQ',
      value: drain ?? null,
      unit: 'deliveries/s',
      reference: `BullMQ ${fmt(bull, '/s')}`,
      ratio: ratio(drain, bull),
      target: '—',
      met: null,
    });
  }
  rows.push(...fifoRows(r));
  return rows;
}

/**
 * FIFO drains: 1,000 keys against the unordered drain of the same run (target ≥ 0.5), CPU per
 * delivery; one key against one signed POST's round trip to the receiver, measured right
 * after (one delivery in flight at a time: its rate can be at most 1 / round trip).
 */
function fifoRows(r: BenchResults): TableRow[] {
  const rows: TableRow[] = [];
  const drain = r.drain?.deliveriesPerSecond;
  if (r.fifo) {
    const fifo = r.fifo.deliveriesPerSecond;
    const fifoRatio = ratio(fifo, drain);
    rows.push({
      figure: `8. FIFO drain ${r.fifo.backlog.toLocaleString('en-US')} backlog, 1,000 keys`,
      value: fifo,
      unit: 'deliveries/s',
      reference: `drain ${fmt(drain, '/s')}`,
      ratio: fifoRatio,
      target: '≥ 0.5',
      met: atLeast(fifoRatio, 0.5),
    });
    const cpu = r.fifo.cpuMicrosPerDelivery;
    const unordered = r.drain?.cpuMicrosPerDelivery;
    const total = cpu.worker + cpu.postgres + cpu.receiver;
    rows.push({
      figure: `8c. FIFO CPU per delivery: worker ${cpu.worker} + PostgreSQL ${cpu.postgres} + receiver ${cpu.receiver}`,
      value: total,
      unit: 'µs',
      reference: unordered
        ? `drain ${unordered.worker + unordered.postgres + unordered.receiver} µs`
        : '—',
      ratio: unordered
        ? ratio(total, unordered.worker + unordered.postgres + unordered.receiver)
        : null,
      target: '—',
      met: null,
    });
  }
  if (r.fifo1) {
    const rtt = r.fifo1RoundTripMs;
    const ceiling = rtt === undefined || rtt === null || rtt === 0 ? null : 1000 / rtt;
    rows.push({
      figure: `8b. FIFO drain, one key (${r.fifo1.backlog.toLocaleString('en-US')} messages)`,
      value: r.fifo1.deliveriesPerSecond,
      unit: 'deliveries/s',
      reference: `1 / raw round trip ${fmt(ceiling, '/s')}`,
      ratio: ratio(r.fifo1.deliveriesPerSecond, ceiling),
      target: '—',
      met: null,
    });
  }
  return rows;
}

/**
 * CPU microseconds per delivery in the drain (worker + PostgreSQL + receiver) against the raw
 * loop's per request (load generator + receiver): the steadiest figure on a shared machine.
 */
function cpuRow(r: BenchResults): TableRow {
  const drain = r.drain?.cpuMicrosPerDelivery;
  const raw = r.raw?.cpuMicrosPerRequest;
  const drainTotal = drain ? drain.worker + drain.postgres + drain.receiver : null;
  const rawTotal = raw ? raw.loadgen + raw.receiver : null;
  return {
    figure: drain
      ? `2c. CPU per delivery: worker ${drain.worker} + PostgreSQL ${drain.postgres} + receiver ${drain.receiver}`
      : '2c. CPU per delivery (worker + PostgreSQL + receiver)',
    value: drainTotal,
    unit: 'µs',
    reference: raw ? `raw ${raw.loadgen} + ${raw.receiver} µs` : '—',
    ratio: ratio(drainTotal, rawTotal),
    target: '≤ 1.8',
    met: atMost(ratio(drainTotal, rawTotal), 1.8),
  };
}

const cpuTotal = (c: Record<string, number>, sender: string): number =>
  (c[sender] ?? 0) + (c.postgres ?? 0) + (c.receiver ?? 0);

/**
 * The lean durable reference (bench/lean): its rate against the raw loop, the drain against
 * it (what a durable design can reach on this machine), and CPU per delivery side by side.
 */
function leanRows(r: BenchResults): TableRow[] {
  const lean = r.lean;
  if (lean === undefined) return [];
  const raw = r.raw?.deliveriesPerSecond;
  const drain = r.drain?.deliveriesPerSecond;
  const leanRate = lean.deliveriesPerSecond;
  const leanCpu = lean.cpuMicrosPerDelivery;
  const drainCpu = r.drain?.cpuMicrosPerDelivery;
  const drainRatio = ratio(drain, leanRate);
  return [
    {
      figure: `2d. lean durable reference (minimal PostgreSQL queue, no framework)${lean.left > 0 ? `, ${lean.left} left` : ''}`,
      value: leanRate,
      unit: 'deliveries/s',
      reference: `raw ${fmt(raw, '/s')}`,
      ratio: ratio(leanRate, raw),
      target: '—',
      met: null,
    },
    {
      figure: '2e. drain / lean durable reference',
      value: drain ?? null,
      unit: 'deliveries/s',
      reference: `lean ${fmt(leanRate, '/s')}`,
      ratio: drainRatio,
      target: '≥ 0.85',
      met: atLeast(drainRatio, 0.85),
    },
    {
      figure: `2f. lean CPU per delivery: sender ${leanCpu.sender} + PostgreSQL ${leanCpu.postgres} + receiver ${leanCpu.receiver}`,
      value: cpuTotal(leanCpu, 'sender'),
      unit: 'µs',
      reference: drainCpu ? `drain ${cpuTotal(drainCpu, 'worker')} µs` : '—',
      ratio: drainCpu ? ratio(cpuTotal(drainCpu, 'worker'), cpuTotal(leanCpu, 'sender')) : null,
      target: '—',
      met: null,
    },
  ];
}

export { fmt };
