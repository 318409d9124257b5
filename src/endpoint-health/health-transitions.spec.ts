import {
  coolDownMs,
  decideTransition,
  describeDuration,
  type EndpointHealthState,
} from './health-transitions';
import type { EndpointBatchSummary } from './outcome-summary';

const NOW = new Date(Date.UTC(2030, 0, 10));
const HOUR = 3_600_000;
const policy = { circuitThreshold: 10, disableAfterMs: 5 * 24 * HOUR };
const state = (over: Partial<EndpointHealthState> = {}): EndpointHealthState => ({
  id: 'ep',
  appId: 'app',
  url: 'https://example.com',
  disabled: false,
  consecutiveFailures: 1,
  failingSince: new Date(NOW.getTime() - HOUR),
  circuitOpenUntil: null,
  circuitOpens: 0,
  ...over,
});
const failing: EndpointBatchSummary = {
  endpointId: 'ep',
  recovered: false,
  failures: 1,
  firstFailureAt: NOW,
  gone: false,
  lastAttemptAt: NOW,
};

describe('coolDownMs', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [5, 480_000],
    [6, 600_000],
    [40, 600_000],
  ])('opening %i cools down %i ms', (opening, ms) => {
    expect(coolDownMs(opening)).toBe(ms);
  });
});

describe('decideTransition', () => {
  const after = (ms: number) => new Date(NOW.getTime() + ms);
  it.each([
    {
      name: 'below the threshold: nothing',
      s: state({ consecutiveFailures: 9 }),
      probe: false,
      want: null,
    },
    {
      name: 'at the threshold: opens for 30 s',
      s: state({ consecutiveFailures: 10 }),
      probe: false,
      want: { kind: 'open', reason: '10 consecutive failures', openUntil: after(30_000) },
    },
    {
      name: 'already open: stays as it is',
      s: state({ consecutiveFailures: 12, circuitOpenUntil: after(5000), circuitOpens: 1 }),
      probe: false,
      want: null,
    },
    {
      name: 'failed probe: re-opens longer',
      s: state({ consecutiveFailures: 11, circuitOpenUntil: after(5000), circuitOpens: 2 }),
      probe: true,
      want: { kind: 'open', reason: 'probe failed', openUntil: after(120_000) },
    },
    {
      name: 'failing for the whole window: disabled',
      s: state({ failingSince: new Date(NOW.getTime() - 5 * 24 * HOUR) }),
      probe: false,
      want: { kind: 'disable', reason: 'failing since 2030-01-05T00:00:00.000Z (5 days)' },
    },
    {
      name: 'already disabled: nothing',
      s: state({ disabled: true, consecutiveFailures: 50 }),
      probe: false,
      want: null,
    },
  ])('$name', ({ s, probe, want }) => {
    expect(decideTransition(s, failing, probe, NOW, policy)).toEqual(want);
  });

  it('disables at once on 410 Gone', () => {
    expect(decideTransition(state(), { ...failing, gone: true }, false, NOW, policy)).toEqual({
      kind: 'disable',
      reason: 'receiver answered 410 Gone',
    });
  });

  it('does not re-open on a probe that succeeded', () => {
    expect(
      decideTransition(
        state({ consecutiveFailures: 0, failingSince: null }),
        { ...failing, recovered: true, failures: 0 },
        true,
        NOW,
        policy,
      ),
    ).toBeNull();
  });
});

describe('describeDuration', () => {
  it.each([
    [5 * 24 * HOUR, '5 days'],
    [HOUR, '1 hour'],
    [90 * 60_000, '90 minutes'],
    [36 * HOUR, '36 hours'],
    [1500, '1500 ms'],
  ])('%i ms is "%s"', (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});
