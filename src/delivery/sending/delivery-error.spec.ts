import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Agent, errors, request } from 'undici';
import { createGuardedLookup, SsrfBlockedError } from '../../egress/ssrf/guarded-lookup';
import { classifyDeliveryError, DeliveryErrorClass } from './delivery-error';

/** A Node system error as net/dns/tls raise them. */
function systemError(
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, ...extra });
}

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function domException(name: string): Error {
  return new DOMException('The operation was aborted', name);
}

describe('classifyDeliveryError', () => {
  describe('maps each failure to its class', () => {
    it.each<[string, unknown, DeliveryErrorClass, string]>([
      // timeouts
      [
        'undici ConnectTimeoutError',
        new errors.ConnectTimeoutError(),
        'timeout',
        'Timed out connecting',
      ],
      [
        'undici HeadersTimeoutError',
        new errors.HeadersTimeoutError(),
        'timeout',
        'Timed out waiting for response headers',
      ],
      [
        'undici BodyTimeoutError',
        new errors.BodyTimeoutError(),
        'timeout',
        'Timed out reading the response body',
      ],
      [
        'a bare UND_ERR_HEADERS_TIMEOUT code',
        systemError('UND_ERR_HEADERS_TIMEOUT', 'x'),
        'timeout',
        'Timed out waiting for response headers',
      ],
      [
        'an OS connect timeout',
        systemError('ETIMEDOUT', 'connect ETIMEDOUT'),
        'timeout',
        'Timed out connecting',
      ],
      [
        'AbortSignal.timeout()',
        domException('TimeoutError'),
        'timeout',
        'Timed out: request deadline exceeded',
      ],
      [
        'an AbortError',
        domException('AbortError'),
        'timeout',
        'Timed out: request deadline exceeded',
      ],
      [
        'undici RequestAbortedError',
        new errors.RequestAbortedError(),
        'timeout',
        'Timed out: request deadline exceeded',
      ],
      // dns
      [
        'ENOTFOUND',
        systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND hooks.example', {
          hostname: 'hooks.example',
        }),
        'dns',
        'DNS lookup failed (ENOTFOUND for hooks.example)',
      ],
      [
        'EAI_AGAIN',
        systemError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN'),
        'dns',
        'DNS lookup failed (EAI_AGAIN)',
      ],
      // refused, reset, connection
      [
        'ECONNREFUSED',
        systemError('ECONNREFUSED', 'connect ECONNREFUSED 203.0.113.5:443', {
          address: '203.0.113.5',
          port: 443,
        }),
        'refused',
        'Connection refused (ECONNREFUSED) to 203.0.113.5:443',
      ],
      [
        'ECONNREFUSED over IPv6',
        systemError('ECONNREFUSED', 'connect ECONNREFUSED', { address: '2001:db8::1', port: 80 }),
        'refused',
        'Connection refused (ECONNREFUSED) to [2001:db8::1]:80',
      ],
      [
        'ECONNRESET',
        systemError('ECONNRESET', 'read ECONNRESET'),
        'reset',
        'Connection reset by the receiver (ECONNRESET)',
      ],
      [
        'EPIPE',
        systemError('EPIPE', 'write EPIPE'),
        'reset',
        'Connection reset by the receiver (EPIPE)',
      ],
      [
        'undici SocketError',
        new errors.SocketError('other side closed'),
        'reset',
        'Connection reset by the receiver (UND_ERR_SOCKET)',
      ],
      [
        'EHOSTUNREACH',
        systemError('EHOSTUNREACH', 'connect EHOSTUNREACH'),
        'connection',
        'Connection failed (EHOSTUNREACH)',
      ],
      [
        'ENETUNREACH',
        systemError('ENETUNREACH', 'connect ENETUNREACH'),
        'connection',
        'Connection failed (ENETUNREACH)',
      ],
      // tls
      [
        'CERT_HAS_EXPIRED',
        systemError('CERT_HAS_EXPIRED', 'certificate has expired'),
        'tls',
        'TLS handshake failed (CERT_HAS_EXPIRED)',
      ],
      [
        'ERR_TLS_CERT_ALTNAME_INVALID',
        systemError(
          'ERR_TLS_CERT_ALTNAME_INVALID',
          "Hostname/IP does not match certificate's altnames",
        ),
        'tls',
        'TLS handshake failed (ERR_TLS_CERT_ALTNAME_INVALID)',
      ],
      [
        'DEPTH_ZERO_SELF_SIGNED_CERT',
        systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
        'tls',
        'TLS handshake failed (DEPTH_ZERO_SELF_SIGNED_CERT)',
      ],
      [
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        systemError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
        'tls',
        'TLS handshake failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
      ],
      [
        'SELF_SIGNED_CERT_IN_CHAIN',
        systemError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
        'tls',
        'TLS handshake failed (SELF_SIGNED_CERT_IN_CHAIN)',
      ],
      [
        'an OpenSSL protocol error',
        systemError('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'),
        'tls',
        'TLS handshake failed (ERR_SSL_WRONG_VERSION_NUMBER)',
      ],
      // blocked
      [
        'our SsrfBlockedError',
        new SsrfBlockedError('rebind.example', '127.0.0.1', 'loopback address (127.0.0.0/8)'),
        'blocked',
        'Blocked connection to rebind.example (resolved to 127.0.0.1): loopback address (127.0.0.0/8)',
      ],
      // status, redirect, invalid response
      [
        'undici ResponseError',
        new errors.ResponseError('Response Error', 500, { headers: {}, body: undefined }),
        'status',
        'Response Error',
      ],
      ['undici max redirects', new Error('max redirects'), 'redirect', 'max redirects'],
      [
        'an llhttp parse error',
        systemError('HPE_INVALID_CONSTANT', 'Expected HTTP/'),
        'invalid_response',
        'Receiver sent an invalid HTTP response (HPE_INVALID_CONSTANT)',
      ],
      [
        'undici ResponseExceededMaxSizeError',
        new errors.ResponseExceededMaxSizeError(),
        'invalid_response',
        'Receiver sent an invalid HTTP response (UND_ERR_RES_EXCEEDED_MAX_SIZE)',
      ],
      [
        'undici HeadersOverflowError',
        new errors.HeadersOverflowError(),
        'invalid_response',
        'Receiver sent an invalid HTTP response (UND_ERR_HEADERS_OVERFLOW)',
      ],
    ])('%s', (_case, err, errorClass, message) => {
      expect(classifyDeliveryError(err)).toEqual({ errorClass, message });
    });
  });

  describe('follows cause chains', () => {
    it.each<[string, unknown, DeliveryErrorClass]>([
      [
        'fetch failed → ECONNREFUSED',
        fetchFailed(systemError('ECONNREFUSED', 'refused')),
        'refused',
      ],
      [
        'fetch failed → ConnectTimeoutError',
        fetchFailed(new errors.ConnectTimeoutError()),
        'timeout',
      ],
      [
        'fetch failed → SsrfBlockedError',
        fetchFailed(new SsrfBlockedError('a.example', '10.0.0.1', 'private network')),
        'blocked',
      ],
      [
        'three levels deep',
        new Error('outer', {
          cause: new Error('middle', { cause: systemError('CERT_HAS_EXPIRED', 'x') }),
        }),
        'tls',
      ],
      [
        'an AggregateError from happy-eyeballs',
        new AggregateError([systemError('ECONNREFUSED', 'v6'), systemError('ECONNREFUSED', 'v4')]),
        'refused',
      ],
      ['a plain object with a code', { code: 'ENOTFOUND' }, 'dns'],
    ])('%s', (_case, err, errorClass) => {
      expect(classifyDeliveryError(err).errorClass).toBe(errorClass);
    });

    it('does not loop forever on a cyclic cause', () => {
      const first = new Error('first');
      const second = new Error('second', { cause: first });
      Object.assign(first, { cause: second });
      expect(classifyDeliveryError(first)).toEqual({ errorClass: 'connection', message: 'first' });
    });
  });

  describe('falls back to connection for the unknown', () => {
    it.each<[string, unknown, string]>([
      ['an unrecognised Error', new Error('something odd'), 'something odd'],
      ['undici ClientDestroyedError', new errors.ClientDestroyedError(), 'The client is destroyed'],
      ['a string', 'socket went away', 'socket went away'],
      ['undefined', undefined, 'Connection failed'],
      ['null', null, 'Connection failed'],
      ['an empty message', new Error(''), 'Connection failed'],
    ])('%s', (_case, err, message) => {
      expect(classifyDeliveryError(err)).toEqual({ errorClass: 'connection', message });
    });
  });

  describe('keeps messages safe and short', () => {
    it('drops credentials, path and query from a quoted URL', () => {
      const err = new TypeError(
        'Request cannot be constructed from a URL that includes credentials: ' +
          'https://user:s3cret@hooks.example:8443/in/abc?token=t0ken#frag',
      );

      const { message } = classifyDeliveryError(err);

      expect(message).toBe(
        'Request cannot be constructed from a URL that includes credentials: https://hooks.example:8443',
      );
    });

    it.each(['s3cret', 'user:', 'token', '/in/abc'])('never contains %p', (secretPart) => {
      const err = fetchFailed(
        new Error('redirected to https://user:s3cret@x.example/in/abc?token=1'),
      );
      expect(classifyDeliveryError(err).message).not.toContain(secretPart);
    });

    it('is one line of at most 200 characters', () => {
      const { message } = classifyDeliveryError(
        new Error('x'.repeat(150) + '\n\n' + 'y'.repeat(150)),
      );
      expect(message).toHaveLength(200);
      expect(message).not.toContain('\n');
    });

    it('does not repeat the raw text of known classes', () => {
      const err = systemError('ECONNRESET', 'read ECONNRESET https://u:p@host.example/secret');
      expect(classifyDeliveryError(err).message).toBe(
        'Connection reset by the receiver (ECONNRESET)',
      );
    });
  });

  describe('with real undici requests', () => {
    let server: Server;
    let port: number;
    const agents: Agent[] = [];
    const agent = (options: ConstructorParameters<typeof Agent>[0]): Agent => {
      const created = new Agent(options);
      agents.push(created);
      return created;
    };

    beforeAll(async () => {
      // Never answers: every request to it waits for a timeout.
      server = createServer(() => undefined);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      await Promise.all(agents.map((created) => created.destroy()));
      server.closeAllConnections();
      server.close();
    });

    it('classifies a refused connection', async () => {
      const closed = createServer();
      closed.listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const closedPort = (closed.address() as AddressInfo).port;
      closed.close();
      await once(closed, 'close');

      const err: unknown = await request(`http://127.0.0.1:${closedPort}/`, {
        dispatcher: agent({}),
      }).catch((e: unknown) => e);

      expect(classifyDeliveryError(err).errorClass).toBe('refused');
    });

    it('classifies a headers timeout', async () => {
      const err: unknown = await request(`http://127.0.0.1:${port}/`, {
        dispatcher: agent({ headersTimeout: 50 }),
      }).catch((e: unknown) => e);

      expect(classifyDeliveryError(err).errorClass).toBe('timeout');
    });

    it('classifies an AbortSignal.timeout deadline', async () => {
      const err: unknown = await request(`http://127.0.0.1:${port}/`, {
        dispatcher: agent({}),
        signal: AbortSignal.timeout(50),
      }).catch((e: unknown) => e);

      expect(classifyDeliveryError(err).errorClass).toBe('timeout');
    });

    it('classifies a name the guarded lookup refuses as blocked', async () => {
      const guarded = agent({
        connect: { lookup: createGuardedLookup({ allowPrivate: false, extraForbidden: [] }) },
      });

      const err: unknown = await request(`http://localhost:${port}/`, {
        dispatcher: guarded,
      }).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(SsrfBlockedError);
      expect(classifyDeliveryError(err).errorClass).toBe('blocked');
    });
  });
});
