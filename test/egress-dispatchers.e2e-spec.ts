import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { loadConfig } from '../src/config/app-config';
import { classifyDeliveryError } from '../src/delivery/sending/delivery-error';
import { OutboundDispatchers } from '../src/egress/outbound-dispatchers';
import { SsrfBlockedError } from '../src/egress/ssrf/guarded-lookup';
import { startReceiver, TestReceiver } from './support/receiver';

function dispatchersWith(env: Record<string, string>): OutboundDispatchers {
  return new OutboundDispatchers(loadConfig({ LOG_LEVEL: 'silent', ...env }));
}

async function send(sut: OutboundDispatchers, url: string): Promise<number> {
  sut.assertAllowed(new URL(url));
  const res = await request(url, { method: 'POST', body: '{}', dispatcher: sut.next() });
  await res.body.dump();
  return res.statusCode;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the request to fail'),
    (err: unknown) => err,
  );
}

describe('OutboundDispatchers', () => {
  let receiver: TestReceiver;
  let sut: OutboundDispatchers | undefined;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await sut?.onApplicationShutdown();
    sut = undefined;
    await receiver.close();
  });

  describe('with private networks refused', () => {
    const strict = { DELIVERY_ALLOW_PRIVATE_NETWORKS: 'false' };

    it('refuses a name resolving to loopback at connect time, classified as blocked', async () => {
      sut = dispatchersWith(strict);

      const err = await failureOf(send(sut, `http://localhost:${receiver.port}/webhook`));

      expect(err).toBeInstanceOf(SsrfBlockedError);
      expect(classifyDeliveryError(err).errorClass).toBe('blocked');
    });

    it('lets nothing reach the receiver', async () => {
      sut = dispatchersWith(strict);

      await failureOf(send(sut, `http://localhost:${receiver.port}/webhook`));

      expect(receiver.requests).toHaveLength(0);
    });

    it.each(['http://127.0.0.1:1/', 'http://[::1]:1/', 'http://2130706433:1/'])(
      'refuses the IP literal %s before connecting',
      (url) => {
        sut = dispatchersWith(strict);

        expect(() => sut!.assertAllowed(new URL(url))).toThrow(SsrfBlockedError);
      },
    );
  });

  describe('with private networks allowed', () => {
    it('delivers to a loopback receiver by name', async () => {
      sut = dispatchersWith({ DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true' });

      const status = await send(sut, `http://localhost:${receiver.port}/webhook`);

      expect([status, receiver.requests.length]).toEqual([200, 1]);
    });

    it('accepts loopback IP literals', () => {
      sut = dispatchersWith({ DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true' });

      expect(() => sut!.assertAllowed(new URL(receiver.url))).not.toThrow();
    });
  });

  describe('source-address binding', () => {
    const bound = {
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      OUTBOUND_IPS: '127.0.0.0/29',
      OUTBOUND_BIND_ADDRESSES: '127.0.0.2,127.0.0.3',
    };

    it('leaves from the bind addresses in turn', async () => {
      sut = dispatchersWith(bound);

      for (let i = 0; i < 6; i++) await send(sut, receiver.url);

      expect(receiver.requests.map((r) => r.remoteAddress)).toEqual([
        '127.0.0.2',
        '127.0.0.3',
        '127.0.0.2',
        '127.0.0.3',
        '127.0.0.2',
        '127.0.0.3',
      ]);
    });

    it('keeps one pooled connection per bind address for sequential requests', async () => {
      sut = dispatchersWith(bound);
      const counting = await startConnectionCountingServer();

      try {
        for (let i = 0; i < 6; i++) await send(sut, counting.url);

        expect(counting.connections()).toBe(2);
      } finally {
        await counting.close();
      }
    });

    it('refuses a bind address outside OUTBOUND_IPS, naming the variable', () => {
      expect(() => dispatchersWith({ ...bound, OUTBOUND_IPS: '127.0.0.2' })).toThrow(
        'OUTBOUND_BIND_ADDRESSES: 127.0.0.3 is not within OUTBOUND_IPS',
      );
    });
  });
});

/** A receiver that counts TCP connections, to see keep-alive reuse. */
async function startConnectionCountingServer(): Promise<{
  url: string;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let connections = 0;
  const server = createServer((_req, res) => res.end('ok'));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
