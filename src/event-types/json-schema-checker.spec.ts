import { JsonSchemaChecker } from './json-schema-checker';

describe('JsonSchemaChecker', () => {
  const schema = {
    type: 'object',
    required: ['plan'],
    properties: { plan: { type: 'string' }, amount: { type: 'number', minimum: 0 } },
  };

  it.each([
    ['a schema object', schema, 0],
    ['an unknown type name', { type: 'strnig' }, 1],
    ['a non-object', 'string', 1],
    ['an array', [], 1],
  ])('checks %s', (_name, candidate, problems) => {
    const sut = new JsonSchemaChecker();
    expect(sut.schemaProblems(candidate).length > 0).toBe(problems > 0);
  });

  it('names the failing path of a payload', () => {
    const sut = new JsonSchemaChecker();
    expect(sut.payloadProblems('t', 1, schema, { plan: 'pro', amount: -1 })).toEqual([
      { path: 'payload.amount', message: 'must be >= 0' },
    ]);
  });

  it('accepts a conforming payload', () => {
    const sut = new JsonSchemaChecker();
    expect(sut.payloadProblems('t', 1, schema, { plan: 'pro' })).toEqual([]);
  });

  it('recompiles when the version changes', () => {
    const sut = new JsonSchemaChecker();
    sut.payloadProblems('t', 1, schema, {});
    expect(sut.payloadProblems('t', 2, { type: 'object' }, {})).toEqual([]);
  });
});
