import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo, LookupFunction } from 'node:net';
import { request } from 'undici';
import { loadConfig } from '../src/config/app-config';
import { OutboundDispatchers } from '../src/egress/outbound-dispatchers';
import { SsrfBlockedError } from '../src/egress/ssrf/guarded-lookup';

/**
 * DNS rebinding (issue 17, item 8): a name that resolves to an allowed address when it is
 * checked and to a forbidden one when the connection is made. The guard must check the very
 * address the socket connects to, resolving once per connection.
 *
 * A test cannot reach a public address, so 127.0.0.1 stands for "public" here (private
 * networks allowed) and 127.0.0.2 for the forbidden loopback address (DELIVERY_DENY_ADDRESSES).
 * Both reach one server listening on every loopback address, which records which address each
 * connection came in on.
 */
const ALLOWED = '127.0.0.1';
const FORBIDDEN = '127.0.0.2';

describe('DNS rebinding: the connection uses only the address that was checked', () => {
  let server: Server;
  let port: number;
  const connectedTo: string[] = [];
  let sut: OutboundDispatchers;
  const resolutions: string[] = [];

  /** Answers ALLOWED, FORBIDDEN, ALLOWED, … : a rebinding name. */
  const rebindingResolver: LookupFunction = (_hostname, options, callback) => {
    const address = resolutions.length % 2 === 0 ? ALLOWED : FORBIDDEN;
    resolutions.push(address);
    const answer: LookupAddress[] = [{ address, family: 4 }];
    if (options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, answer);
    else callback(null, address, 4);
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      // A connection per request, so every request resolves the name again.
      res.writeHead(200, { connection: 'close' }).end('ok');
    });
    server.on('connection', (socket) => connectedTo.push(socket.localAddress ?? '?'));
    await new Promise<void>((done) => server.listen(0, '0.0.0.0', done));
    port = (server.address() as AddressInfo).port;
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      DELIVERY_DENY_ADDRESSES: FORBIDDEN,
    });
    sut = new OutboundDispatchers(config, rebindingResolver);
  });
  afterAll(async () => {
    await sut.onApplicationShutdown();
    await new Promise((done) => server.close(done));
  });

  it('connects to the allowed answers and refuses the forbidden ones, which never reach a socket', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const url = new URL(`http://rebinding.test:${port}/hook`);
      sut.assertAllowed(url); // a DNS name: nothing to check before connecting
      try {
        const res = await request(url, { method: 'POST', body: '{}', dispatcher: sut.next() });
        await res.body.dump();
        outcomes.push(`sent ${res.statusCode}`);
      } catch (err) {
        outcomes.push(err instanceof SsrfBlockedError ? `blocked ${err.address}` : String(err));
      }
    }

    expect({ outcomes, resolutions, connectedTo }).toEqual({
      outcomes: [
        'sent 200',
        `blocked ${FORBIDDEN}`,
        'sent 200',
        `blocked ${FORBIDDEN}`,
        'sent 200',
        `blocked ${FORBIDDEN}`,
      ],
      // One resolution per connection: nothing resolves the name again between check and connect.
      resolutions: [ALLOWED, FORBIDDEN, ALLOWED, FORBIDDEN, ALLOWED, FORBIDDEN],
      connectedTo: [ALLOWED, ALLOWED, ALLOWED],
    });
  });
});
