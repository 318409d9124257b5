import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const sut = new SecretBox(randomBytes(32));

  it('opens what it sealed', () => {
    expect(sut.open(sut.seal('whsec_abc', 'ep_1'), 'ep_1')).toBe('whsec_abc');
  });

  it('never stores the plaintext', () => {
    expect(sut.seal('whsec_plaintext', 'ep_1').includes(Buffer.from('whsec_plaintext'))).toBe(
      false,
    );
  });

  it('uses a fresh IV per value', () => {
    expect(sut.seal('x', 'c').equals(sut.seal('x', 'c'))).toBe(false);
  });

  it.each([
    ['another row', (b: Buffer) => sut.open(b, 'ep_2')],
    ['another key', (b: Buffer) => new SecretBox(randomBytes(32)).open(b, 'ep_1')],
    [
      'a flipped byte',
      (b: Buffer) => {
        b[b.length - 1] ^= 1;
        return sut.open(b, 'ep_1');
      },
    ],
  ])('refuses a value sealed for %s', (_name, open) => {
    expect(() => open(sut.seal('secret', 'ep_1'))).toThrow();
  });
});
