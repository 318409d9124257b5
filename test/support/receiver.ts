import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  remoteAddress: string;
  receivedAt: number;
}

/** What the receiver answers to the nth request (0-based): a status, or 'hang' to black-hole. */
export type ReceiverBehaviour = (
  request: ReceivedRequest,
  index: number,
) => { status: number; body?: string; headers?: Record<string, string>; delayMs?: number } | 'hang';

export interface TestReceiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  setBehaviour(behaviour: ReceiverBehaviour): void;
  /** Connections open now from `address` (IPv4-mapped IPv6 addresses count as IPv4). */
  openConnectionsFrom(address: string): number;
  /** Resolves once `count` requests have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A real HTTP server on loopback standing in for a customer's webhook endpoint. */
export async function startReceiver(
  behaviour: ReceiverBehaviour = () => ({ status: 200, body: 'ok' }),
  host = '127.0.0.1',
): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let current = behaviour;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remoteAddress: req.socket.remoteAddress ?? '',
        receivedAt: Date.now(),
      };
      const index = requests.length;
      requests.push(received);
      for (const w of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const answer = current(received, index);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      const reply = () => {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/webhook`,
    port,
    requests,
    openConnectionsFrom(address) {
      let n = 0;
      for (const socket of open)
        if ((socket.remoteAddress ?? '').replace(/^::ffff:/, '') === address) n++;
      return n;
    },
    setBehaviour(b) {
      current = b;
    },
    waitFor(count, timeoutMs = 10_000) {
      if (requests.length >= count) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`receiver got ${requests.length} of ${count} requests in ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(requests);
          },
        });
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
