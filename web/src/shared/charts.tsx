import { useEffect, useRef, useState } from 'preact/hooks';
import type { MinuteStats } from './types';

const H = 180;
const PAD = { left: 44, right: 8, top: 10, bottom: 24 };

/** Every minute of [since, until) with its counts (zero where the API sent no row). */
export function fillMinutes(since: string, until: string, data: MinuteStats[]): MinuteStats[] {
  const byMinute = new Map(data.map((m) => [new Date(m.minute).getTime(), m]));
  const out: MinuteStats[] = [];
  for (let t = new Date(since).getTime(); t < new Date(until).getTime(); t += 60_000)
    out.push(
      byMinute.get(t) ?? {
        minute: new Date(t).toISOString(),
        succeeded: 0,
        failed: 0,
        avgDurationMs: 0,
        maxDurationMs: 0,
      },
    );
  return out;
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v) ?? v;
}

function xLabels(minutes: MinuteStats[], W: number) {
  const n = minutes.length;
  const step = Math.max(1, Math.floor(n / 4));
  const out: { x: number; text: string; anchor: string }[] = [];
  // No label closer than half a step to the right edge: it would be cut off.
  for (let i = 0; i < n - step / 2; i += step) {
    const d = new Date(minutes[i].minute);
    out.push({
      x: PAD.left + (i / n) * (W - PAD.left - PAD.right),
      text: d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
      anchor: i === 0 ? 'start' : 'middle',
    });
  }
  return out;
}

function Axes({ max, minutes, W }: { max: number; minutes: MinuteStats[]; W: number }) {
  const innerH = H - PAD.top - PAD.bottom;
  return (
    <g class="axes" aria-hidden="true">
      {[0, 0.5, 1].map((f) => {
        const y = PAD.top + innerH * (1 - f);
        return (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} class="grid" />
            <text x={PAD.left - 4} y={y + 4} text-anchor="end">
              {max * f < 10 ? Number((max * f).toFixed(1)) : Math.round(max * f)}
            </text>
          </g>
        );
      })}
      {xLabels(minutes, W).map((l) => (
        <text key={l.x} x={l.x} y={H - 6} text-anchor={l.anchor}>
          {l.text}
        </text>
      ))}
    </g>
  );
}

/** A path through (i, value) points, one x step per minute. */
function linePath(W: number, values: number[], max: number, base: number[] | null = null): string {
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const n = values.length;
  const x = (i: number) => PAD.left + (i / Math.max(1, n - 1)) * innerW;
  const y = (v: number) => PAD.top + innerH * (1 - v / max);
  let d = values
    .map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v + (base?.[i] ?? 0)).toFixed(1)}`)
    .join('');
  if (base) {
    for (let i = n - 1; i >= 0; i--) d += `L${x(i).toFixed(1)},${y(base[i]).toFixed(1)}`;
    d += 'Z';
  }
  return d;
}

function useWidth() {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(720);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(240, Math.round(el.clientWidth))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/** Attempts per minute, failed stacked on succeeded, as two areas (cheap at 1,440 minutes). */
export function AttemptsChart({ minutes, title }: { minutes: MinuteStats[]; title: string }) {
  const { ref, width: W } = useWidth();
  const ok = minutes.map((m) => m.succeeded);
  const bad = minutes.map((m) => m.failed);
  const zero = minutes.map(() => 0);
  const max = niceMax(Math.max(0, ...minutes.map((m) => m.succeeded + m.failed)));
  const totalOk = ok.reduce((a, b) => a + b, 0);
  const totalBad = bad.reduce((a, b) => a + b, 0);
  return (
    <figure class="chart" ref={ref}>
      <figcaption>
        {title}
        <span class="legend">
          <span class="key key-ok" /> succeeded {totalOk} <span class="key key-bad" /> failed{' '}
          {totalBad}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${title}: ${totalOk} succeeded, ${totalBad} failed`}
        data-succeeded={totalOk}
        data-failed={totalBad}
      >
        <Axes max={max} minutes={minutes} W={W} />
        <path d={linePath(W, ok, max, zero)} class="area-ok" />
        <path d={linePath(W, bad, max, ok)} class="area-bad" />
      </svg>
    </figure>
  );
}

/** Mean and longest attempt duration per minute; minutes without attempts are left out. */
export function LatencyChart({ minutes, title }: { minutes: MinuteStats[]; title: string }) {
  const { ref, width: W } = useWidth();
  const max = niceMax(Math.max(0, ...minutes.map((m) => m.maxDurationMs)));
  const active = minutes.filter((m) => m.succeeded + m.failed > 0);
  const avg = active.length
    ? Math.round(
        active.reduce((a, m) => a + m.avgDurationMs * (m.succeeded + m.failed), 0) /
          active.reduce((a, m) => a + m.succeeded + m.failed, 0),
      )
    : 0;
  // Gaps (no attempts) carry the previous value so the line does not dive to zero.
  const carry = (pick: (m: MinuteStats) => number) => {
    let last = 0;
    return minutes.map((m) => (m.succeeded + m.failed > 0 ? (last = pick(m)) : last));
  };
  return (
    <figure class="chart" ref={ref}>
      <figcaption>
        {title}
        <span class="legend">
          <span class="key key-avg" /> mean {avg} ms <span class="key key-max" /> longest
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: mean ${avg} ms`}>
        <Axes max={max} minutes={minutes} W={W} />
        {active.length > 0 && (
          <>
            <path
              d={linePath(
                W,
                carry((m) => m.maxDurationMs),
                max,
              )}
              class="line-max"
            />
            <path
              d={linePath(
                W,
                carry((m) => m.avgDurationMs),
                max,
              )}
              class="line-avg"
            />
          </>
        )}
      </svg>
    </figure>
  );
}
