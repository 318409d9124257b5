import { JsonSchemaChecker } from './json-schema-checker';

/** Runs linear-time or it would take minutes (the backtracking engine took 5.6 s for 30 + 1). */
const CATASTROPHIC_INPUT = 'a'.repeat(5_000) + '!';

describe('JsonSchemaChecker: schema regexes run on the linear-time engine', () => {
  it.each([
    [
      'pattern',
      { properties: { s: { type: 'string', pattern: '^(a+)+$' } } },
      { s: CATASTROPHIC_INPUT },
    ],
    [
      'patternProperties',
      { patternProperties: { '^(a|a)*$': { type: 'number' } } },
      { [CATASTROPHIC_INPUT]: 'x' },
    ],
  ])('%s: a catastrophic backtracking pattern answers at once', (_case, schema, payload) => {
    const sut = new JsonSchemaChecker();
    const started = process.hrtime.bigint();

    const problems = sut.payloadProblems('t', 1, schema, payload);

    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect({ valid: problems.length === 0, fast: ms < 500 }).toEqual({
      valid: _case === 'patternProperties', // the key does not match, so no rule applies
      fast: true,
    });
  });

  it('still matches what the pattern means', () => {
    const sut = new JsonSchemaChecker();
    const schema = { properties: { s: { type: 'string', pattern: '^[a-z]+-\\d{2}$' } } };

    expect([
      sut.payloadProblems('t', 1, schema, { s: 'abc-12' }),
      sut.payloadProblems('t', 1, schema, { s: 'abc-1' }).map((p) => p.path),
    ]).toEqual([[], ['payload.s']]);
  });

  it.each([
    ['a backreference (not RE2 syntax)', '^(a)\\1$', 'RE2'],
    ['a pattern longer than the filters allow', 'a'.repeat(300), 'at most 256'],
    ['a pattern compiling to too large a program', '^.{0,255}.{0,255}.{0,255}$', 'instructions'],
  ])('refuses a schema with %s when it is saved', (_case, pattern, rule) => {
    const sut = new JsonSchemaChecker();

    expect(sut.schemaProblems({ properties: { s: { type: 'string', pattern } } })).toEqual([
      { path: 'schema', message: expect.stringContaining(rule) },
    ]);
  });
});
