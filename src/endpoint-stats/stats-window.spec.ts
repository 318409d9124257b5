import { statsWindow } from './stats-window';

const NOW = new Date('2030-01-01T12:00:30.000Z');

describe('statsWindow', () => {
  it.each([
    {
      name: 'defaults to the 24 hours ending with the current minute',
      since: undefined,
      until: undefined,
      want: { since: '2029-12-31T12:01:00.000Z', until: '2030-01-01T12:01:00.000Z' },
    },
    {
      name: 'rounds given times down to their minute',
      since: '2030-01-01T10:00:59Z',
      until: '2030-01-01T11:30:10Z',
      want: { since: '2030-01-01T10:00:00.000Z', until: '2030-01-01T11:30:00.000Z' },
    },
    {
      name: 'takes since as 24 hours before a given until',
      since: undefined,
      until: '2030-01-01T00:00:00Z',
      want: { since: '2029-12-31T00:00:00.000Z', until: '2030-01-01T00:00:00.000Z' },
    },
  ])('$name', ({ since, until, want }) => {
    const sut = statsWindow(NOW, since, until);
    expect(sut).toEqual({ ok: true, since: new Date(want.since), until: new Date(want.until) });
  });

  it.each([
    {
      name: 'since after until',
      since: '2030-01-01T12:00:00Z',
      until: '2030-01-01T11:00:00Z',
      rule: 'at least one minute',
    },
    {
      name: 'within one minute',
      since: '2030-01-01T11:00:10Z',
      until: '2030-01-01T11:00:50Z',
      rule: 'at least one minute',
    },
    {
      name: 'longer than 48 hours',
      since: '2029-12-29T00:00:00Z',
      until: '2030-01-01T00:00:00Z',
      rule: 'at most 48 hours',
    },
  ])('rejects $name, naming since', ({ since, until, rule }) => {
    const sut = statsWindow(NOW, since, until);
    expect(sut).toMatchObject({ ok: false, field: 'since' });
    expect(sut.ok === false && sut.message).toContain(rule);
  });
});
