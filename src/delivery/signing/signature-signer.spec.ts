import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  generateSigningSecret,
  hexBodySignature,
  InvalidSigningSecretError,
  isValidSigningSecret,
  parseSigningSecret,
  SignatureSigner,
} from './signature-signer';

/** Published test vector of the Standard Webhooks specification. */
const specVector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const secretOfBytes = (length: number, fill = 7): string =>
  'whsec_' + Buffer.alloc(length, fill).toString('base64');

describe('parseSigningSecret', () => {
  it.each([
    ['the spec vector secret', specVector.secret, 24],
    ['a 24-byte secret', secretOfBytes(24), 24],
    ['a 64-byte secret', secretOfBytes(64), 64],
  ])('decodes %s', (_case, secret, expectedLength) => {
    expect(parseSigningSecret(secret)).toHaveLength(expectedLength);
  });

  it.each([
    ['no prefix', Buffer.alloc(32).toString('base64'), /must start with/],
    ['a wrong prefix', 'whsk_' + Buffer.alloc(32).toString('base64'), /must start with/],
    ['nothing after the prefix', 'whsec_', /key must be 24 to 64 bytes, got 0/],
    ['a non-base64 character', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa!w', /base64/],
    ['broken padding', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', /base64/],
    ['whitespace', 'whsec_MfKQ9r8GKYqrTwjU PD8ILPZIo2LaLaSw', /base64/],
    ['a 23-byte key', secretOfBytes(23), /got 23/],
    ['a 65-byte key', secretOfBytes(65), /got 65/],
  ])('rejects %s', (_case, secret, message) => {
    expect(() => parseSigningSecret(secret)).toThrow(InvalidSigningSecretError);
    expect(() => parseSigningSecret(secret)).toThrow(message);
  });

  it('never echoes the secret in its error message', () => {
    const secret = 'whsec_' + Buffer.alloc(10, 1).toString('base64');
    expect(() => parseSigningSecret(secret)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret.slice(6)) }),
    );
  });
});

describe('isValidSigningSecret', () => {
  it.each([
    ['a plain secret of 16 printable characters', 'sixteen-chars-ok', true],
    ['a plain secret with spaces', 'my own shared secret 42', true],
    ['a plain secret of 256 characters', 'x'.repeat(256), true],
    ['a plain secret of 15 characters', 'fifteen-chars-x', false],
    ['a plain secret of 257 characters', 'x'.repeat(257), false],
    ['a plain secret with a non-ASCII character', 'sixteen-chars-é-x', false],
    ['a plain secret with a tab', 'sixteen-chars\tabc', false],
    ['a whsec_ secret that is not valid', 'whsec_' + 'x'.repeat(20), false],
  ])('%s → %p', (_case, secret, expected) => {
    expect(isValidSigningSecret(secret)).toBe(expected);
  });

  it.each([
    [specVector.secret, true],
    [secretOfBytes(64), true],
    [secretOfBytes(23), false],
    ['whsec_not base64', false],
    ['', false],
  ])('%s → %s', (secret, expected) => {
    expect(isValidSigningSecret(secret)).toBe(expected);
  });
});

describe('generateSigningSecret', () => {
  it.each([24, 32, 64])('produces a valid secret of %i random bytes', (bytes) => {
    const sut = generateSigningSecret(bytes);
    expect(parseSigningSecret(sut)).toHaveLength(bytes);
  });

  it('defaults to 32 bytes', () => {
    expect(parseSigningSecret(generateSigningSecret())).toHaveLength(32);
  });

  it('never repeats itself', () => {
    expect(generateSigningSecret()).not.toBe(generateSigningSecret());
  });

  it.each([23, 65, 32.5])('refuses %p bytes', (bytes) => {
    expect(() => generateSigningSecret(bytes)).toThrow(RangeError);
  });
});

describe('SignatureSigner', () => {
  it('reproduces the Standard Webhooks published test vector', () => {
    const sut = new SignatureSigner([specVector.secret]);
    expect(sut.sign(specVector.msgId, specVector.timestamp, specVector.body)).toBe(
      specVector.signature,
    );
  });

  it('signs a Buffer body exactly like the same bytes as a string', () => {
    const sut = new SignatureSigner([specVector.secret]);
    expect(sut.sign(specVector.msgId, specVector.timestamp, Buffer.from(specVector.body))).toBe(
      specVector.signature,
    );
  });

  it('signs non-ASCII bodies as UTF-8', () => {
    const body = '{"name":"Zoë ☃"}';
    const key = parseSigningSecret(specVector.secret);
    const expected = createHmac('sha256', key)
      .update(`${specVector.msgId}.${specVector.timestamp}.${body}`, 'utf8')
      .digest('base64');
    const sut = new SignatureSigner([specVector.secret]);
    expect(sut.sign(specVector.msgId, specVector.timestamp, body)).toBe(`v1,${expected}`);
  });

  it('emits one space-separated signature per secret, current first', () => {
    const previous = generateSigningSecret();
    const sut = new SignatureSigner([specVector.secret, previous]);
    const onlyPrevious = new SignatureSigner([previous]);

    const header = sut.sign(specVector.msgId, specVector.timestamp, specVector.body);

    expect(header.split(' ')).toEqual([
      specVector.signature,
      onlyPrevious.sign(specVector.msgId, specVector.timestamp, specVector.body),
    ]);
  });

  it('refuses to be built without a secret', () => {
    expect(() => new SignatureSigner([])).toThrow(InvalidSigningSecretError);
  });

  it('refuses a malformed secret at construction, not at signing time', () => {
    expect(() => new SignatureSigner([specVector.secret, 'whsec_short'])).toThrow(
      InvalidSigningSecretError,
    );
  });

  it.each([1614265330.5, Number.NaN])('refuses the non-integer timestamp %p', (timestamp) => {
    const sut = new SignatureSigner([specVector.secret]);
    expect(() => sut.sign(specVector.msgId, timestamp, specVector.body)).toThrow(RangeError);
  });

  describe('verified by the independent standardwebhooks package', () => {
    const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1', total: 4200 } });
    const nowSeconds = (): number => Math.floor(Date.now() / 1000);
    const headersFor = (signature: string, timestamp: number): Record<string, string> => ({
      'webhook-id': 'msg_2mfTSDmzKLEs4RbMnNkz8ViN1qW',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    });

    it('accepts our signature', () => {
      const secret = generateSigningSecret();
      const timestamp = nowSeconds();
      const sut = new SignatureSigner([secret]);
      const signature = sut.sign('msg_2mfTSDmzKLEs4RbMnNkz8ViN1qW', timestamp, body);

      expect(new Webhook(secret).verify(body, headersFor(signature, timestamp))).toEqual(
        JSON.parse(body),
      );
    });

    it.each(['current', 'previous'] as const)(
      'accepts a rotated header with the %s secret',
      (which) => {
        const current = generateSigningSecret();
        const previous = generateSigningSecret(48);
        const timestamp = nowSeconds();
        const sut = new SignatureSigner([current, previous]);
        const signature = sut.sign('msg_2mfTSDmzKLEs4RbMnNkz8ViN1qW', timestamp, body);
        const receiverSecret = which === 'current' ? current : previous;

        expect(() =>
          new Webhook(receiverSecret).verify(body, headersFor(signature, timestamp)),
        ).not.toThrow();
      },
    );

    it('accepts our signature with a plain shared secret, keyed with its own bytes (format raw)', () => {
      const secret = 'nami-legacy-shared-secret-0001';
      const timestamp = nowSeconds();
      const signature = new SignatureSigner([secret]).sign(
        'msg_2mfTSDmzKLEs4RbMnNkz8ViN1qW',
        timestamp,
        body,
      );

      expect(
        new Webhook(secret, { format: 'raw' }).verify(body, headersFor(signature, timestamp)),
      ).toEqual(JSON.parse(body));
    });

    it('is rejected for a tampered body', () => {
      const secret = generateSigningSecret();
      const timestamp = nowSeconds();
      const signature = new SignatureSigner([secret]).sign(
        'msg_2mfTSDmzKLEs4RbMnNkz8ViN1qW',
        timestamp,
        body,
      );

      expect(() =>
        new Webhook(secret).verify(body + ' ', headersFor(signature, timestamp)),
      ).toThrow();
    });
  });
});

describe('hexBodySignature', () => {
  it('is the lowercase hex HMAC-SHA-256 of the raw body keyed by the secret text', () => {
    // Independently computed with: printf '%s' '{"test": 2432232314}' |
    //   openssl dgst -sha256 -hmac 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    expect(hexBodySignature(specVector.secret, specVector.body)).toBe(
      '80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c',
    );
  });

  it('keys by the whole secret string, not the decoded key', () => {
    const decodedKeyHex = createHmac('sha256', parseSigningSecret(specVector.secret))
      .update(specVector.body)
      .digest('hex');
    expect(hexBodySignature(specVector.secret, specVector.body)).not.toBe(decodedKeyHex);
  });

  it('gives the same answer for a Buffer body', () => {
    expect(hexBodySignature(specVector.secret, Buffer.from(specVector.body))).toBe(
      hexBodySignature(specVector.secret, specVector.body),
    );
  });

  it('returns 64 lowercase hex digits', () => {
    expect(hexBodySignature('any secret', '')).toMatch(/^[0-9a-f]{64}$/);
  });
});
