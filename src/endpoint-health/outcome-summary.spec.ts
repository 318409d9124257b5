import { summarizeOutcomes, type HealthOutcome } from './outcome-summary';

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
const ok = (s: number): HealthOutcome => ({
  endpointId: 'ep',
  succeeded: true,
  statusCode: 200,
  attemptedAt: at(s),
});
const fail = (s: number, statusCode: number | null = 500): HealthOutcome => ({
  endpointId: 'ep',
  succeeded: false,
  statusCode,
  attemptedAt: at(s),
});

describe('summarizeOutcomes', () => {
  it.each([
    {
      name: 'only failures',
      outcomes: [fail(1), fail(2)],
      want: { recovered: false, failures: 2, firstFailureAt: at(1), gone: false },
    },
    {
      name: 'only successes',
      outcomes: [ok(1), ok(2)],
      want: { recovered: true, failures: 0, firstFailureAt: null, gone: false },
    },
    {
      name: 'failures then a success',
      outcomes: [fail(1), fail(2), ok(3)],
      want: { recovered: true, failures: 0, firstFailureAt: null },
    },
    {
      name: 'a success then failures',
      outcomes: [ok(1), fail(2), fail(3)],
      want: { recovered: true, failures: 2, firstFailureAt: at(2) },
    },
    { name: 'a 410 Gone', outcomes: [fail(1, 410)], want: { failures: 1, gone: true } },
    { name: 'a 410 before a success', outcomes: [fail(1, 410), ok(2)], want: { gone: false } },
    { name: 'a network error', outcomes: [fail(1, null)], want: { failures: 1, gone: false } },
  ])('$name', ({ outcomes, want }) => {
    expect(summarizeOutcomes(outcomes)).toEqual([
      expect.objectContaining({ endpointId: 'ep', ...want }),
    ]);
  });

  it('keeps endpoints apart and remembers the latest attempt', () => {
    const sut = summarizeOutcomes([fail(5), { ...ok(1), endpointId: 'other' }, fail(3)]);
    expect(sut.map((s) => [s.endpointId, s.failures, s.lastAttemptAt])).toEqual([
      ['ep', 2, at(5)],
      ['other', 0, at(1)],
    ]);
  });
});
