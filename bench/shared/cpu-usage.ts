import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time spent by the processes of a scenario, read from /proc (Linux; zeros elsewhere).
 * On a shared 2-core machine throughput swings with other work, but the CPU time a delivery
 * costs each process barely moves, so it is the figure to compare changes with.
 */

/** Linux reports utime/stime in clock ticks of 1/100 s (USER_HZ) on every platform it runs on. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** Own user + system time, seconds. */
  self: number;
  /** User + system time of children it has waited for (exited backends), seconds. */
  children: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm is in parentheses and may itself contain spaces or parentheses.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text
    .slice(close + 2)
    .split(' ')
    .map(Number);
  // After comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
  return {
    pid,
    comm,
    ppid: f[1],
    self: (f[11] + f[12]) / TICKS_PER_SECOND,
    children: (f[13] + f[14]) / TICKS_PER_SECOND,
  };
}

function allStats(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const stats: ProcStat[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** CPU seconds of every PostgreSQL process, including backends that exited (their postmaster's children time). */
function postgresSeconds(stats: readonly ProcStat[]): number {
  const pg = stats.filter((s) => s.comm === 'postgres');
  const pgPids = new Set(pg.map((s) => s.pid));
  let total = 0;
  for (const s of pg) total += s.self + (pgPids.has(s.ppid) ? 0 : s.children);
  return total;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineSeconds(): number {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [, ...fields] = first.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return (user + nice + system + irq + softirq + (steal ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export type CpuSnapshot = Record<string, number>;

/**
 * Takes CPU snapshots of named processes (by pid), of PostgreSQL as a whole and of the
 * machine; `since` turns two snapshots into seconds per process.
 */
export class CpuMeter {
  constructor(private readonly pids: Record<string, () => number | undefined>) {}

  snapshot(): CpuSnapshot {
    const stats = allStats();
    const byPid = new Map(stats.map((s) => [s.pid, s]));
    const snapshot: CpuSnapshot = {};
    for (const [label, pidOf] of Object.entries(this.pids)) {
      const pid = pidOf();
      snapshot[label] = pid === undefined ? 0 : (byPid.get(pid)?.self ?? 0);
    }
    snapshot.postgres = postgresSeconds(stats);
    snapshot.machine = machineSeconds();
    return snapshot;
  }

  /** CPU seconds used between two snapshots, per label. */
  static since(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
    const used: CpuSnapshot = {};
    for (const label of Object.keys(after))
      used[label] = Math.max(0, after[label] - (before[label] ?? 0));
    return used;
  }

  /** Microseconds of CPU per unit of work (delivery, request), per label. */
  static perUnit(used: CpuSnapshot, units: number): CpuSnapshot {
    const per: CpuSnapshot = {};
    for (const [label, seconds] of Object.entries(used))
      per[label] = units > 0 ? Math.round((seconds * 1e6) / units) : 0;
    return per;
  }
}
