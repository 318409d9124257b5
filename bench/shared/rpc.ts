import { ChildProcess } from 'node:child_process';

/**
 * A tiny typed request/response protocol over the IPC channel of a forked child, so the
 * runner can drive the receiver, the load generator and the BullMQ sender as separate
 * processes (they must not share the runner's event loop or CPU accounting).
 */
export type Protocol = Record<string, { params: unknown; result: unknown }>;

interface RpcRequest {
  rpcId: number;
  method: string;
  params: unknown;
}

interface RpcResponse {
  rpcId: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

const isResponse = (value: unknown): value is RpcResponse =>
  typeof value === 'object' && value !== null && 'rpcId' in value && 'ok' in value;

const isRequest = (value: unknown): value is RpcRequest =>
  typeof value === 'object' && value !== null && 'rpcId' in value && 'method' in value;

export class RpcClient<P extends Protocol> {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (message: unknown) => {
      if (!isResponse(message)) return;
      const waiter = this.pending.get(message.rpcId);
      if (waiter === undefined) return;
      this.pending.delete(message.rpcId);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${this.name}: ${message.error ?? 'failed'}`));
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`${this.name} exited (${code})`));
      this.pending.clear();
    });
  }

  call<M extends keyof P & string>(method: M, params: P[M]['params']): Promise<P[M]['result']> {
    const rpcId = this.nextId++;
    return new Promise<P[M]['result']>((resolve, reject) => {
      this.pending.set(rpcId, { resolve: (v) => resolve(v as P[M]['result']), reject });
      this.child.send({ rpcId, method, params } satisfies RpcRequest);
    });
  }
}

export type RpcHandlers<P extends Protocol> = {
  [M in keyof P]: (params: P[M]['params']) => Promise<P[M]['result']>;
};

/** Child side: answers requests; the child exits when the runner disconnects. */
export function serveRpc<P extends Protocol>(handlers: RpcHandlers<P>): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('must be started with child_process.fork');
  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    const handler = handlers[message.method as keyof P];
    const reply = (response: RpcResponse): void => void send(response);
    if (handler === undefined) {
      reply({ rpcId: message.rpcId, ok: false, error: `unknown method ${message.method}` });
      return;
    }
    handler(message.params as P[keyof P]['params']).then(
      (result) => reply({ rpcId: message.rpcId, ok: true, result }),
      (err: unknown) =>
        reply({
          rpcId: message.rpcId,
          ok: false,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
