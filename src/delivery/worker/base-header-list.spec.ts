import { USER_AGENT } from '../../common/product';
import { type BaseHeaderSource, baseHeaderList } from './base-header-list';

const source = (overrides: Partial<BaseHeaderSource> = {}): BaseHeaderSource => ({
  headers: {},
  authToken: null,
  authTokenScheme: 'bearer',
  signatureHeader: null,
  ...overrides,
});

/** The list as an object, to read one header; the list itself never repeats a name. */
const asObject = (list: string[]): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: list.length / 2 }, (_, i) => [list[2 * i], list[2 * i + 1]]),
  );

describe('baseHeaderList', () => {
  describe('Authorization', () => {
    it.each([
      ['a bearer token after "Bearer "', 'tok_abc', 'bearer', 'Bearer tok_abc'],
      ['a raw token verbatim', 'adapty-secret-123', 'raw', 'adapty-secret-123'],
      [
        'a raw "Basic …" value verbatim, inner space kept',
        'Basic dXNlcjpwdw==',
        'raw',
        'Basic dXNlcjpwdw==',
      ],
      ['a raw value that itself starts with "Bearer "', 'Bearer abc', 'raw', 'Bearer abc'],
    ] as const)('sends %s', (_case, authToken, authTokenScheme, expected) => {
      const sut = asObject(baseHeaderList(source({ authToken, authTokenScheme })));
      expect(sut.authorization).toBe(expected);
    });

    it.each(['bearer', 'raw'] as const)('is absent without a token (%s)', (authTokenScheme) => {
      const sut = baseHeaderList(source({ authTokenScheme }));
      expect(sut).not.toContain('authorization');
    });
  });

  it('always sends content-type and user-agent', () => {
    expect(asObject(baseHeaderList(source()))).toEqual({
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
    });
  });

  it('lower-cases custom header names and keeps their values', () => {
    const sut = asObject(baseHeaderList(source({ headers: { 'X-Tenant': 'Acme' } })));
    expect(sut['x-tenant']).toBe('Acme');
  });

  it.each([
    ['a per-attempt header', { 'webhook-id': 'x' }, null, 'webhook-id'],
    ['traceparent', { traceparent: 'x' }, null, 'traceparent'],
    [
      "the endpoint's signature header",
      { 'Nami-Signature': 'x' },
      'nami-signature',
      'nami-signature',
    ],
  ])('leaves out %s (the sender sets it per attempt)', (_case, headers, signatureHeader, name) => {
    const sut = baseHeaderList(source({ headers, signatureHeader }));
    expect(sut).not.toContain(name);
  });
});
