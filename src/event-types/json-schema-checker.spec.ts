import { JsonSchemaChecker, UnusableSchemaError } from './json-schema-checker';

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

  describe('schemas that share an $id', () => {
    const id = 'https://example.com/schemas/order.json';
    const needsAmount = { $id: id, type: 'object', required: ['amount'] };
    const needsSku = { $id: id, type: 'object', required: ['sku'] };

    it('accepts a schema whose $id another schema already used', () => {
      const sut = new JsonSchemaChecker();
      expect(sut.schemaProblems(needsAmount)).toEqual([]);
      sut.payloadProblems('order.created', 1, needsAmount, { amount: 1 });
      expect(sut.schemaProblems(needsSku)).toEqual([]);
    });

    it('validates each key against its own schema', () => {
      const sut = new JsonSchemaChecker();
      expect(sut.payloadProblems('order.created', 1, needsAmount, { amount: 1 })).toEqual([]);
      expect(sut.payloadProblems('order.shipped', 1, needsSku, { sku: 'a' })).toEqual([]);
      expect(sut.payloadProblems('order.shipped', 1, needsSku, { amount: 1 })).toEqual([
        { path: 'payload', message: "must have required property 'sku'" },
      ]);
    });

    it('recompiles a new version that keeps the $id', () => {
      const sut = new JsonSchemaChecker();
      sut.payloadProblems('order.created', 1, needsAmount, {});
      expect(sut.payloadProblems('order.created', 2, needsSku, { sku: 'a' })).toEqual([]);
    });

    it("does not resolve a $ref into another key's schema", () => {
      const sut = new JsonSchemaChecker();
      sut.payloadProblems('order.created', 1, needsAmount, {});
      expect(sut.schemaProblems({ $ref: id })).toEqual([
        { path: 'schema', message: expect.stringContaining(`can't resolve reference ${id}`) },
      ]);
    });
  });

  describe('a stored schema that does not compile', () => {
    const unresolvable = { type: 'object', properties: { a: { $ref: 'https://example.com/x' } } };

    it('throws UnusableSchemaError naming the key and the reason', () => {
      const sut = new JsonSchemaChecker();
      expect(() => sut.payloadProblems('bad.type', 1, unresolvable, {})).toThrow(
        expect.objectContaining({
          constructor: UnusableSchemaError,
          key: 'bad.type',
          reason: expect.stringContaining("can't resolve reference"),
        }),
      );
    });

    it('keeps refusing that version, and validates once a fixed version arrives', () => {
      const sut = new JsonSchemaChecker();
      expect(() => sut.payloadProblems('bad.type', 1, unresolvable, {})).toThrow(
        UnusableSchemaError,
      );
      expect(() => sut.payloadProblems('bad.type', 1, unresolvable, {})).toThrow(
        UnusableSchemaError,
      );
      expect(sut.payloadProblems('bad.type', 2, { type: 'object' }, {})).toEqual([]);
    });
  });
});
