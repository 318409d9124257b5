import fc from 'fast-check';
import { FakeClock } from '../../common/clock';
import {
  formatRetrySchedule,
  MAX_DELAY_SECONDS,
  NextAttemptInput,
  parseRetrySchedule,
  RetryPolicy,
  RetryScheduleError,
} from './retry-policy';

const FIRST_ATTEMPT_AT = new Date(Date.UTC(2030, 0, 1));
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** random() = 0.5 makes the jitter factor exactly 1, so delays are the nominal ones. */
const noJitter = (): number => 0.5;

const failedAttempt = (overrides: Partial<NextAttemptInput> = {}): NextAttemptInput => ({
  attemptNumber: 1,
  firstAttemptAt: FIRST_ATTEMPT_AT,
  now: FIRST_ATTEMPT_AT,
  ...overrides,
});

const delaySecondsOf = (next: Date | null, from: Date): number | null =>
  next === null ? null : (next.getTime() - from.getTime()) / 1000;

describe('RetryPolicy', () => {
  describe('default schedule', () => {
    it.each([
      [1, 5],
      [2, 10],
      [3, 20],
      [4, 40],
      [5, 80],
      [8, 640],
      [10, 2560],
      [11, 3600],
      [12, 3600],
      [30, 3600],
      [2000, 3600],
    ])('after failed attempt %i waits %i s', (attemptNumber, expectedSeconds) => {
      const sut = new RetryPolicy(noJitter);
      const now = new Date(FIRST_ATTEMPT_AT.getTime() + 60_000);

      const next = sut.nextAttemptAt(failedAttempt({ attemptNumber, now }));

      expect(delaySecondsOf(next, now)).toBe(expectedSeconds);
    });

    it.each([
      ['the lowest draw', 0, 1, 4],
      ['the highest draw', 0.999999, 1, 6],
      ['the lowest draw', 0, 3, 16],
      ['the highest draw', 0.999999, 3, 24],
      ['the lowest draw at the cap', 0, 12, 2880],
      ['the highest draw at the cap', 0.999999, 12, 3600],
    ])('jitters by ±20 %%: %s after attempt %i gives ~%i s', (_c, draw, attemptNumber, seconds) => {
      const sut = new RetryPolicy(() => draw);

      const next = sut.nextAttemptAt(failedAttempt({ attemptNumber }));

      expect(delaySecondsOf(next, FIRST_ATTEMPT_AT)).toBeCloseTo(seconds, 2);
    });

    it('keeps every jittered delay within ±20 % of nominal and never above 1 h', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 40 }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          (attemptNumber, draw) => {
            const sut = new RetryPolicy(() => draw);
            const nominal = Math.min(5 * 2 ** (attemptNumber - 1), MAX_DELAY_SECONDS);

            const delay = delaySecondsOf(
              sut.nextAttemptAt(failedAttempt({ attemptNumber })),
              FIRST_ATTEMPT_AT,
            );

            expect(delay).not.toBeNull();
            expect(delay!).toBeGreaterThanOrEqual(nominal * 0.8 - 0.001);
            expect(delay!).toBeLessThanOrEqual(Math.min(nominal * 1.2, MAX_DELAY_SECONDS));
          },
        ),
      );
    });

    it('schedules an attempt landing exactly at the end of the 24 h window', () => {
      const sut = new RetryPolicy(noJitter);
      const now = new Date(FIRST_ATTEMPT_AT.getTime() + DAY_MS - 3_600_000);

      const next = sut.nextAttemptAt(failedAttempt({ attemptNumber: 20, now }));

      expect(next).toEqual(new Date(FIRST_ATTEMPT_AT.getTime() + DAY_MS));
    });

    it('is exhausted when the next attempt would fall after the 24 h window', () => {
      const sut = new RetryPolicy(noJitter);
      const now = new Date(FIRST_ATTEMPT_AT.getTime() + DAY_MS - 3_599_000);

      expect(sut.nextAttemptAt(failedAttempt({ attemptNumber: 20, now }))).toBeNull();
    });

    it.each([0, -1, 1.5, Number.NaN])('refuses attempt number %p', (attemptNumber) => {
      const sut = new RetryPolicy(noJitter);
      expect(() => sut.nextAttemptAt(failedAttempt({ attemptNumber }))).toThrow(RangeError);
    });
  });

  describe('a simulated day on the default schedule', () => {
    const simulate = (random: () => number): Date[] => {
      const clock = new FakeClock(FIRST_ATTEMPT_AT);
      const sut = new RetryPolicy(random);
      const attempts = [clock.now()];
      for (;;) {
        const next = sut.nextAttemptAt({
          attemptNumber: attempts.length,
          firstAttemptAt: attempts[0],
          now: clock.now(),
        });
        if (next === null) return attempts;
        clock.set(next);
        attempts.push(clock.now());
      }
    };
    const gapsSeconds = (attempts: Date[]): number[] =>
      attempts.slice(1).map((at, i) => (at.getTime() - attempts[i].getTime()) / 1000);

    it('makes 33 attempts without jitter: 11 on the exponential ramp, 22 an hour apart', () => {
      // Ramp 5+10+…+2560 s = 5115 s; then ⌊(86400 − 5115) / 3600⌋ = 22 hourly retries.
      expect(simulate(noJitter)).toHaveLength(33);
    });

    it('never schedules an attempt after 24 h from the first', () => {
      const attempts = simulate(noJitter);
      const last = attempts[attempts.length - 1];
      expect(last.getTime() - FIRST_ATTEMPT_AT.getTime()).toBeLessThanOrEqual(DAY_MS);
    });

    it('spaces attempts ever wider until the 1 h cap, then holds it', () => {
      const gaps = gapsSeconds(simulate(noJitter));
      gaps.slice(1).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(gaps[i]));
      expect(Math.max(...gaps)).toBe(3600);
      expect(gaps.filter((gap) => gap === 3600)).toHaveLength(22);
    });

    it.each([
      ['always lowest', () => 0],
      ['always highest', () => 0.999999],
      ['seeded pseudo-random', seededRandom(42)],
    ])('stays inside the window and under the cap with jitter %s', (_c, random) => {
      const attempts = simulate(random);
      const gaps = gapsSeconds(attempts);

      expect(attempts.length).toBeGreaterThanOrEqual(30);
      expect(attempts.length).toBeLessThanOrEqual(40);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(3600);
      expect(attempts[attempts.length - 1].getTime() - FIRST_ATTEMPT_AT.getTime()).toBeLessThan(
        DAY_MS + 1,
      );
    });
  });

  describe('custom schedule', () => {
    it('makes exactly 5 attempts for ["5m", "15m", "30m", "60m"], at the given delays', () => {
      const schedule = parseRetrySchedule(['5m', '15m', '30m', '60m']);
      const clock = new FakeClock(FIRST_ATTEMPT_AT);
      const sut = new RetryPolicy(() => 0);
      const attempts = [clock.now()];
      for (;;) {
        const next = sut.nextAttemptAt({
          attemptNumber: attempts.length,
          firstAttemptAt: attempts[0],
          now: clock.now(),
          schedule,
        });
        if (next === null) break;
        clock.set(next);
        attempts.push(clock.now());
      }

      expect(attempts.map((at) => (at.getTime() - FIRST_ATTEMPT_AT.getTime()) / 60_000)).toEqual([
        0, 5, 20, 50, 110,
      ]);
    });

    it('applies no jitter', () => {
      const sut = new RetryPolicy(() => 0);
      const next = sut.nextAttemptAt(failedAttempt({ schedule: [300] }));
      expect(delaySecondsOf(next, FIRST_ATTEMPT_AT)).toBe(300);
    });

    it('is not cut short by the 24 h window', () => {
      const sut = new RetryPolicy(noJitter);
      const now = new Date(FIRST_ATTEMPT_AT.getTime() + DAY_MS);

      const next = sut.nextAttemptAt(
        failedAttempt({ attemptNumber: 2, now, schedule: [60, 86400] }),
      );

      expect(delaySecondsOf(next, now)).toBe(86400);
    });

    it('never retries with an empty schedule', () => {
      const sut = new RetryPolicy(noJitter);
      expect(sut.nextAttemptAt(failedAttempt({ schedule: [] }))).toBeNull();
    });

    it('falls back to the default schedule when the schedule is null', () => {
      const sut = new RetryPolicy(noJitter);
      const next = sut.nextAttemptAt(failedAttempt({ schedule: null }));
      expect(delaySecondsOf(next, FIRST_ATTEMPT_AT)).toBe(5);
    });
  });

  describe('Retry-After', () => {
    it.each([
      ['lengthens a shorter computed delay', { attemptNumber: 1, retryAfterSeconds: 120 }, 120],
      ['does not shorten a longer computed delay', { attemptNumber: 5, retryAfterSeconds: 10 }, 80],
      ['is capped at 1 h', { attemptNumber: 1, retryAfterSeconds: 86400 }, 3600],
      ['is ignored when zero', { attemptNumber: 1, retryAfterSeconds: 0 }, 5],
      ['is ignored when negative', { attemptNumber: 1, retryAfterSeconds: -30 }, 5],
      ['is ignored when NaN', { attemptNumber: 1, retryAfterSeconds: Number.NaN }, 5],
      ['is ignored when null', { attemptNumber: 1, retryAfterSeconds: null }, 5],
      ['lengthens a custom delay', { schedule: [60], retryAfterSeconds: 600 }, 600],
      ['is capped at 1 h on a custom schedule', { schedule: [60], retryAfterSeconds: 7200 }, 3600],
      ['keeps a custom delay above 1 h', { schedule: [7200], retryAfterSeconds: 600 }, 7200],
    ])('%s', (_case, overrides: Partial<NextAttemptInput>, expectedSeconds) => {
      const sut = new RetryPolicy(noJitter);
      const next = sut.nextAttemptAt(failedAttempt(overrides));
      expect(delaySecondsOf(next, FIRST_ATTEMPT_AT)).toBe(expectedSeconds);
    });

    it('cannot push the default schedule past the 24 h window', () => {
      const sut = new RetryPolicy(noJitter);
      const now = new Date(FIRST_ATTEMPT_AT.getTime() + DAY_MS - 60_000);

      expect(
        sut.nextAttemptAt(failedAttempt({ attemptNumber: 3, now, retryAfterSeconds: 120 })),
      ).toBeNull();
    });
  });

  describe('after a manual re-queue (a new retry window)', () => {
    /** Re-queued three days after the first attempt, with 33 attempts behind it. */
    const requeuedAt = new Date(FIRST_ATTEMPT_AT.getTime() + 3 * DAY_MS);
    const window = { startedAt: requeuedAt, attemptsBefore: 33 };

    it('retries a failure past the first 24 h window, as a first failure of the new one', () => {
      const sut = new RetryPolicy(noJitter);
      const next = sut.nextAttemptAt(failedAttempt({ attemptNumber: 34, now: requeuedAt, window }));
      expect(delaySecondsOf(next, requeuedAt)).toBe(5);
    });

    it('is exhausted without the window: one failure would fail it again', () => {
      const sut = new RetryPolicy(noJitter);
      expect(sut.nextAttemptAt(failedAttempt({ attemptNumber: 34, now: requeuedAt }))).toBeNull();
    });

    it('ends 24 h after the re-queue', () => {
      const sut = new RetryPolicy(noJitter);
      const now = new Date(requeuedAt.getTime() + DAY_MS - 60_000);
      expect(sut.nextAttemptAt(failedAttempt({ attemptNumber: 60, now, window }))).toBeNull();
    });

    it('starts a custom schedule over from its first delay', () => {
      const sut = new RetryPolicy(noJitter);
      const schedule = [60, 300];
      const at = (attemptNumber: number) =>
        delaySecondsOf(
          sut.nextAttemptAt(
            failedAttempt({
              attemptNumber,
              now: requeuedAt,
              schedule,
              window: { startedAt: requeuedAt, attemptsBefore: 3 },
            }),
          ),
          requeuedAt,
        );
      expect([at(4), at(5), at(6)]).toEqual([60, 300, null]);
    });

    it('rejects an attempt number that does not come after the window began', () => {
      const sut = new RetryPolicy(noJitter);
      expect(() => sut.nextAttemptAt(failedAttempt({ attemptNumber: 33, window }))).toThrow(
        RangeError,
      );
    });
  });
});

describe('parseRetrySchedule', () => {
  it.each([
    [
      ['5s', '5m', '1h', '1d'],
      [5, 300, 3600, 86400],
    ],
    [
      ['1s', '86400s', '1440m', '24h'],
      [1, 86400, 86400, 86400],
    ],
    [[], []],
  ])('parses %j', (list, expected) => {
    expect(parseRetrySchedule(list)).toEqual(expected);
  });

  it('accepts 50 entries', () => {
    expect(parseRetrySchedule(Array<string>(50).fill('1m'))).toHaveLength(50);
  });

  it.each([
    [['2d'], 'retry schedule[0]: "2d" must be between 1s and 24h'],
    [['1m', '25h'], 'retry schedule[1]: "25h" must be between 1s and 24h'],
    [['0s'], 'retry schedule[0]: "0s" must be between 1s and 24h'],
    [['5x'], 'retry schedule[0]: "5x" is not a duration like "30s", "5m", "1h" or "1d"'],
    [['5'], 'retry schedule[0]: "5" is not a duration'],
    [['-5s'], 'retry schedule[0]: "-5s" is not a duration'],
    [['1.5h'], 'retry schedule[0]: "1.5h" is not a duration'],
    [[' 5s'], 'retry schedule[0]: " 5s" is not a duration'],
    [['5 m'], 'retry schedule[0]: "5 m" is not a duration'],
    [['5M'], 'retry schedule[0]: "5M" is not a duration'],
    [[''], 'retry schedule[0]: "" is not a duration'],
    [Array<string>(51).fill('1m'), 'retry schedule has 51 entries; at most 50'],
  ])('rejects %j', (list, message) => {
    expect(() => parseRetrySchedule(list)).toThrow(RetryScheduleError);
    expect(() => parseRetrySchedule(list)).toThrow(message);
  });
});

describe('formatRetrySchedule', () => {
  it.each([
    [
      [5, 300, 3600, 86400],
      ['5s', '5m', '1h', '1d'],
    ],
    [
      [90, 5400, 172800],
      ['90s', '90m', '2d'],
    ],
    [[], []],
  ])('formats %j as %j', (seconds, expected) => {
    expect(formatRetrySchedule(seconds)).toEqual(expected);
  });

  it('round-trips with parseRetrySchedule', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 86400 }), { maxLength: 50 }), (seconds) => {
        expect(parseRetrySchedule(formatRetrySchedule(seconds))).toEqual(seconds);
      }),
    );
  });
});

/** Deterministic mulberry32, so a failing jitter run can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
