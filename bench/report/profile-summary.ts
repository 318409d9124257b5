import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/**
 * Top self-time functions of a V8 .cpuprofile (written by `node --cpu-prof`). Also runnable:
 *   node dist-bench/bench/report/profile-summary.js <file.cpuprofile> [top]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  fn: string;
  selfMs: number;
  /** Share of the non-idle time. */
  share: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  busyMs: number;
  top: SelfTime[];
}

function label(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const url = frame.url.replace(/^file:\/\//, '');
  const where = url.includes('node_modules/')
    ? url.slice(url.lastIndexOf('node_modules/') + 13)
    : relative(process.cwd(), url);
  return `${name} ${where}:${frame.lineNumber + 1}`;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, label(n.callFrame)]));
  const self = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((nodeId, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    totalUs += delta;
    const key = byId.get(nodeId) ?? '(unknown)';
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  const idleUs = self.get('(idle)') ?? 0;
  const busyUs = totalUs - idleUs;
  const ranked = [...self.entries()]
    .filter(([fn]) => fn !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({
      fn,
      selfMs: Math.round(us / 1000),
      share: busyUs === 0 ? 0 : us / busyUs,
    }));
  return {
    file: basename(file),
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    top: ranked,
  };
}

export function summariseProfileDir(dir: string, top = 15): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => summariseProfile(join(dir, f), top));
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = summary.top.map(
    (t) =>
      `  ${(t.share * 100).toFixed(1).padStart(5)}%  ${String(t.selfMs).padStart(6)} ms  ${t.fn}`,
  );
  return [`${summary.file}: ${summary.busyMs} ms busy of ${summary.totalMs} ms`, ...lines].join(
    '\n',
  );
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: profile-summary <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatProfile(summariseProfile(file, top === undefined ? 25 : Number(top))));
}
