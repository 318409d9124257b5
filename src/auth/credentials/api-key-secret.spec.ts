import {
  apiKeySecretMatches,
  formatApiKey,
  hashApiKeySecret,
  newApiKeySecret,
  parseApiKey,
} from './api-key-secret';

describe('app API keys', () => {
  const keyId = 'key_01JD7X5K0Q3R6W8Y9Z0A1B2C3D';
  const secret = newApiKeySecret();
  const sut = formatApiKey(keyId, secret);

  it('parses back into its id and secret', () => {
    expect(parseApiKey(sut)).toEqual({ keyId, secret });
  });

  it.each([
    ['an admin key', 'test-admin-key-0123456789abcdef'],
    ['a truncated key', sut.slice(0, -1)],
    ['a key with more after it', `${sut}x`],
    ['a key with a bad id', sut.replace('key_', 'app_')],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
  ])('refuses %s', (_case, presented) => {
    expect(parseApiKey(presented)).toBeNull();
  });

  it('matches its stored hash, and another secret does not', () => {
    const stored = hashApiKeySecret(secret);

    expect([
      apiKeySecretMatches(secret, stored),
      apiKeySecretMatches(newApiKeySecret(), stored),
    ]).toEqual([true, false]);
  });

  it('never stores the secret itself', () => {
    expect(hashApiKeySecret(secret).toString('utf8')).not.toContain(secret);
  });
});
