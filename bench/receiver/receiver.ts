import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { nowMs } from '../shared/clock';
import { serveRpc } from '../shared/rpc';
import { Behaviour, PathStats, ReceiverProtocol, SampleRequest } from './receiver-protocol';

/**
 * The webhook receiver (a child process of the runner): plain node:http with keep-alive,
 * doing as little as possible per request so it is not the bottleneck it measures.
 */

interface PathState {
  count: number;
  firstAt: number | null;
  lastAt: number | null;
  arrivals: Map<string, number> | null;
  sample: SampleRequest | null;
}

const paths = new Map<string, PathState>();

function stateOf(path: string, behaviour: Behaviour): PathState {
  let state = paths.get(path);
  if (state === undefined) {
    state = {
      count: 0,
      firstAt: null,
      lastAt: null,
      arrivals: behaviour === 'timed' ? new Map() : null,
      sample: null,
    };
    paths.set(path, state);
  }
  return state;
}

function behaviourOf(path: string): Behaviour | null {
  const first = path.split('/')[1];
  return first === 'ok' || first === 'timed' || first === 'fail' || first === 'hole' ? first : null;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const behaviour = behaviourOf(path);
  if (behaviour === null) {
    res.writeHead(404).end();
    return;
  }
  const state = stateOf(path, behaviour);
  const keepSample = state.sample === null;
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => {
    if (keepSample) chunks.push(chunk);
  });
  req.on('end', () => {
    const at = nowMs();
    state.count++;
    state.firstAt ??= at;
    state.lastAt = at;
    const id = req.headers['webhook-id'];
    if (state.arrivals !== null && typeof id === 'string' && !state.arrivals.has(id))
      state.arrivals.set(id, at);
    if (keepSample && state.sample === null) {
      state.sample = { headers: flatHeaders(req), body: Buffer.concat(chunks).toString('utf8') };
    }
    if (behaviour === 'hole') return; // never answers: the sender's timeout must fire
    res.writeHead(behaviour === 'fail' ? 500 : 200, {
      'content-type': 'text/plain',
      'content-length': '2',
    });
    res.end(behaviour === 'fail' ? 'no' : 'ok');
  });
}

const server = createServer({ keepAlive: true, requestTimeout: 0, headersTimeout: 60_000 }, handle);
server.keepAliveTimeout = 65_000;
server.maxRequestsPerSocket = 0;

const statsOf = (path: string): PathStats => {
  const state = paths.get(path);
  return {
    path,
    count: state?.count ?? 0,
    firstAt: state?.firstAt ?? null,
    lastAt: state?.lastAt ?? null,
  };
};

serveRpc<ReceiverProtocol>({
  start: ({ port }) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () =>
        resolve({ port: (server.address() as AddressInfo).port }),
      );
    }),
  stats: async ({ path }) => statsOf(path),
  arrivals: async ({ path }) => [
    ...(paths.get(path)?.arrivals ?? new Map<string, number>()).entries(),
  ],
  sample: async ({ path }) => paths.get(path)?.sample ?? null,
});
