import { countByMinute, minuteOf, type CountedOutcome } from './minute-counts';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

function outcome(over: Partial<CountedOutcome> & { atMs?: number } = {}): CountedOutcome {
  const { atMs = 0, ...rest } = over;
  return {
    endpointId: 'ep_a',
    succeeded: true,
    durationMs: 100,
    attemptedAt: new Date(T0 + atMs),
    ...rest,
  };
}

describe('minuteOf', () => {
  it.each([
    { atMs: 0, minuteMs: 0 },
    { atMs: 59_999, minuteMs: 0 },
    { atMs: 60_000, minuteMs: 60_000 },
    { atMs: 61_500, minuteMs: 60_000 },
  ])('puts +$atMs ms in the minute starting at +$minuteMs ms', ({ atMs, minuteMs }) => {
    expect(minuteOf(new Date(T0 + atMs)).getTime()).toBe(T0 + minuteMs);
  });
});

describe('countByMinute', () => {
  it('returns nothing for an empty batch', () => {
    expect(countByMinute([])).toEqual([]);
  });

  it.each([
    {
      name: 'one success',
      batch: [outcome({ durationMs: 120 })],
      rows: [{ endpointId: 'ep_a', minuteMs: 0, succeeded: 1, failed: 0, sum: 120, max: 120 }],
    },
    {
      name: 'successes and failures of one endpoint in one minute fold into one row',
      batch: [
        outcome({ durationMs: 100 }),
        outcome({ succeeded: false, durationMs: 300, atMs: 30_000 }),
        outcome({ succeeded: false, durationMs: 50, atMs: 59_000 }),
      ],
      rows: [{ endpointId: 'ep_a', minuteMs: 0, succeeded: 1, failed: 2, sum: 450, max: 300 }],
    },
    {
      name: 'two minutes give two rows',
      batch: [outcome({ atMs: 59_999 }), outcome({ atMs: 60_000, succeeded: false })],
      rows: [
        { endpointId: 'ep_a', minuteMs: 0, succeeded: 1, failed: 0, sum: 100, max: 100 },
        { endpointId: 'ep_a', minuteMs: 60_000, succeeded: 0, failed: 1, sum: 100, max: 100 },
      ],
    },
    {
      name: 'two endpoints give two rows',
      batch: [outcome(), outcome({ endpointId: 'ep_b', durationMs: 7 })],
      rows: [
        { endpointId: 'ep_a', minuteMs: 0, succeeded: 1, failed: 0, sum: 100, max: 100 },
        { endpointId: 'ep_b', minuteMs: 0, succeeded: 1, failed: 0, sum: 7, max: 7 },
      ],
    },
    {
      name: 'fractional and negative durations are rounded and clamped',
      batch: [outcome({ durationMs: 10.6 }), outcome({ durationMs: -3 })],
      rows: [{ endpointId: 'ep_a', minuteMs: 0, succeeded: 2, failed: 0, sum: 11, max: 11 }],
    },
  ])('$name', ({ batch, rows }) => {
    const sut = countByMinute(batch);
    expect(sut).toEqual(
      rows.map((r) => ({
        endpointId: r.endpointId,
        minute: new Date(T0 + r.minuteMs),
        succeeded: r.succeeded,
        failed: r.failed,
        durationMsSum: r.sum,
        durationMsMax: r.max,
      })),
    );
  });
});
