import { PortalTokenSigner } from './portal-token';

describe('PortalTokenSigner', () => {
  const sut = new PortalTokenSigner(new Uint8Array(32).fill(3));
  const issued = new Date('2030-01-01T00:00:00Z');
  const expires = new Date('2030-01-01T01:00:00Z');
  const claims = { sessionId: 'ps_1', appId: 'app_A' };

  it('verifies its own token before expiry', async () => {
    const token = await sut.sign(claims, issued, expires);

    expect(await sut.verify(token, new Date('2030-01-01T00:59:59Z'))).toEqual({
      valid: true,
      claims,
    });
  });

  it('calls a token expired from its expiry on (by the given clock)', async () => {
    const token = await sut.sign(claims, issued, expires);

    expect(await sut.verify(token, expires)).toEqual({ valid: false, reason: 'expired' });
  });

  it('refuses a token signed with another key', async () => {
    const other = new PortalTokenSigner(new Uint8Array(32).fill(4));
    const token = await other.sign(claims, issued, expires);

    expect(await sut.verify(token, issued)).toEqual({ valid: false, reason: 'invalid' });
  });

  it('refuses a token whose claims were changed', async () => {
    const [header, payload, signature] = (await sut.sign(claims, issued, expires)).split('.');
    const changed = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), app: 'app_B' }),
    ).toString('base64url');

    expect(await sut.verify(`${header}.${changed}.${signature}`, issued)).toEqual({
      valid: false,
      reason: 'invalid',
    });
  });

  it('refuses an unsigned token (alg none)', async () => {
    const [, payload] = (await sut.sign(claims, issued, expires)).split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');

    expect(await sut.verify(`${none}.${payload}.`, issued)).toEqual({
      valid: false,
      reason: 'invalid',
    });
  });
});
