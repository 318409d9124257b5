import {
  DEFAULT_BODY_SHAPE,
  eventTypeAliasesProblems,
  eventTypeFieldFormatProblem,
  eventTypeFieldProblem,
  omitFieldProblem,
  omitFieldsProblems,
} from './body-shape';

describe('omitFieldProblem', () => {
  it.each([
    ['attributions', null],
    ['event_properties.store', null],
    ['a b.ç', null],
    ['', /1 to 256/],
    ['a..b', /no empty segment/],
    ['.a', /no empty segment/],
    ['a.', /no empty segment/],
    ['a\u0001b', /control/],
    ['x'.repeat(257), /1 to 256/],
    [Array.from({ length: 17 }, () => 'a').join('.'), /at most 16 segments/],
    [7, /must be a string/],
  ])('%p → %p', (path, expected) => {
    const sut = omitFieldProblem(path);
    if (expected === null) expect(sut).toBeNull();
    else expect(sut).toMatch(expected);
  });
});

describe('omitFieldsProblems', () => {
  it('names the offending entry', () => {
    expect(omitFieldsProblems(['ok', 'a..b'])).toEqual([
      expect.stringMatching(/^entry 1 \("a\.\.b"\)/),
    ]);
  });

  it.each([['a'], [{}], [null]])('refuses %p (not an array)', (value) => {
    expect(omitFieldsProblems(value)).toEqual(['must be an array of dotted paths']);
  });

  it('refuses more than 64 entries', () => {
    expect(omitFieldsProblems(Array.from({ length: 65 }, (_, i) => `f${i}`))).toHaveLength(1);
  });
});

describe('eventTypeAliasesProblems', () => {
  it.each([
    [{ 'user.subscription.renewed': 'subscription_renewed' }, 0],
    [{ 'a.b': 'has space' }, 1],
    [{ 'a..b': 'ok' }, 1],
    [{ 'a.b': 3 }, 1],
    [[], 1],
    [null, 1],
  ])('%p → %i problem(s)', (value, count) => {
    expect(eventTypeAliasesProblems(value)).toHaveLength(count);
  });
});

describe('eventTypeFieldProblem', () => {
  it.each([
    ['event_type', null],
    ['', /1 to 128/],
    ['a\nb', /control/],
  ])('%p → %p', (value, expected) => {
    const sut = eventTypeFieldProblem(value);
    if (expected === null) expect(sut).toBeNull();
    else expect(sut).toMatch(expected);
  });
});

describe('eventTypeFieldFormatProblem', () => {
  it.each([
    ['envelope', null, false],
    ['payload', 'event_type', false],
    ['payload', null, false],
    ['envelope', 'event_type', true],
  ] as const)('%s with eventTypeField %p → problem: %p', (bodyFormat, eventTypeField, problem) => {
    const sut = eventTypeFieldFormatProblem({ ...DEFAULT_BODY_SHAPE, bodyFormat, eventTypeField });
    expect(sut !== null).toBe(problem);
  });
});
