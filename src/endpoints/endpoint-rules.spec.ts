import {
  authTokenHint,
  authTokenProblem,
  authTokenSchemeProblem,
  authorizationValue,
  endpointUrlProblem,
  headersProblems,
  signatureHeaderProblem,
} from './endpoint-rules';

describe('endpoint rules', () => {
  describe('url', () => {
    it.each(['https://example.com/hook', 'http://example.com:8080/a?b=c', 'http://[2001:db8::1]/'])(
      'accepts %s',
      (url) => {
        expect(endpointUrlProblem(url)).toBeNull();
      },
    );
    it.each([
      ['not a URL', 'example.com/hook', 'absolute'],
      ['another scheme', 'ftp://example.com/', 'http or https'],
      ['credentials', 'https://user:pw@example.com/', 'credentials'],
      ['a user only', 'https://user@example.com/', 'credentials'],
      ['too long', `https://example.com/${'a'.repeat(2048)}`, '2048'],
      ['CR/LF (which URL parsing drops)', 'https://example.com/a\r\nb', 'control characters'],
      ['a tab', 'https://exa\tmple.com/', 'control characters'],
      ['a space', 'https://example.com/a b', 'whitespace'],
      ['port 0', 'https://example.com:0/hook', 'port 0'],
    ])('rejects %s', (_case, url, rule) => {
      expect(endpointUrlProblem(url)).toContain(rule);
    });
  });

  describe('headers', () => {
    it('accepts custom headers', () => {
      expect(headersProblems({ 'x-tenant': 'acme', 'X-Trace': 'on' })).toEqual([]);
    });
    it.each([
      ['a tab and spaces', 'a\tb c'],
      [
        'every visible ASCII character',
        String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 0x20 + i)),
      ],
      ['obs-text U+0080 to U+00FF (sent as single bytes)', 'café \x80\xff'],
      ['an empty value', ''],
    ])('accepts a value with %s, as undici does', (_case, value) => {
      expect(headersProblems({ 'x-a': value })).toEqual([]);
    });
    it.each([
      ['a hop-by-hop name', { Connection: 'close' }, 'Connection'],
      ['a framing name', { 'content-length': '1' }, 'content-length'],
      ['authorization', { Authorization: 'Bearer x' }, 'authToken'],
      ['a signature header', { 'webhook-signature': 'v1,x' }, 'webhook-signature'],
      ['a non-token name', { 'bad name': 'x' }, 'bad name'],
      ['CR/LF in a value', { 'x-a': 'a\r\nx-b: b' }, '"x-a" value may only hold'],
      ['NUL in a value', { 'x-a': 'a\0' }, 'U+0000 at index 1'],
      ['another control character in a value', { 'x-b': 'a\x01' }, 'U+0001'],
      ['DEL in a value', { 'x-c': '\x7f' }, 'U+007F at index 0'],
      ['a character above U+00FF', { 'x-euro': '5 €' }, '"x-euro" value may only hold'],
      ['an emoji', { 'x-e': '😀' }, 'U+D83D'],
      ['a non-string value', { 'x-a': 1 }, 'string'],
      ['a too long value', { 'x-a': 'v'.repeat(1025) }, '1024'],
      ['a duplicate name', { 'x-a': '1', 'X-A': '2' }, 'twice'],
    ])('rejects %s', (_case, headers, mention) => {
      expect(headersProblems(headers).join(' ')).toContain(mention);
    });
    it("rejects the endpoint's own signature header, case-insensitively", () => {
      expect(headersProblems({ 'Nami-Signature': 'x' }, 'nami-signature')[0]).toContain(
        'signatureHeader',
      );
    });
    it('rejects more than 20 entries', () => {
      const headers = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-${i}`, 'v']));
      expect(headersProblems(headers)[0]).toContain('20');
    });
  });

  describe('authToken', () => {
    it.each([
      ['', '1 to'],
      [' ab', 'spaces only between'],
      ['ab ', 'spaces only between'],
      ['a\tb', 'printable ASCII'],
      ['a\nb', 'printable ASCII'],
      ['a\r\nx-b: c', 'printable ASCII'],
      ['café', 'printable ASCII'],
      ['x'.repeat(1025), '1 to'],
    ])('rejects %j', (token, rule) => {
      expect(authTokenProblem(token)).toContain(rule);
    });
    it.each(['tok_abc.DEF-123', 'Basic dXNlcjpwdw==', 'a', 'x'.repeat(1024)])(
      'accepts %j',
      (token) => expect(authTokenProblem(token)).toBeNull(),
    );
    it('hints at the last 4 characters of a long token only', () => {
      expect(authTokenHint('abcdefghijkl1234')).toBe('…1234');
      expect(authTokenHint('short')).toBe('…');
      expect(authTokenHint(null)).toBeNull();
    });
  });

  describe('authTokenScheme', () => {
    it.each([
      ['bearer', null],
      ['bearer', 'tok_abc'],
      ['raw', 'adapty-secret-123'],
      ['raw', 'Basic dXNlcjpwdw=='],
    ] as const)('accepts %s with %j', (scheme, token) => {
      expect(authTokenSchemeProblem(scheme, token)).toBeNull();
    });
    it.each([
      ['raw', null, 'needs an authToken'],
      ['bearer', 'Basic dXNlcjpwdw==', 'must not contain spaces'],
    ] as const)('rejects %s with %j', (scheme, token, rule) => {
      expect(authTokenSchemeProblem(scheme, token)).toContain(rule);
    });
    it.each([
      ['bearer', 'tok', 'Bearer tok'],
      ['raw', 'tok', 'tok'],
      ['raw', 'Basic a b', 'Basic a b'],
    ] as const)('%s sends %j as %j', (scheme, token, value) => {
      expect(authorizationValue(token, scheme)).toBe(value);
    });
  });

  describe('signatureHeader', () => {
    it('accepts a token', () => expect(signatureHeaderProblem('nami-signature')).toBeNull());
    it.each([['has space'], ['webhook-signature'], ['Content-Type'], ['x'.repeat(129)]])(
      'rejects %s',
      (name) => {
        expect(signatureHeaderProblem(name)).not.toBeNull();
      },
    );
  });
});
