/**
 * The webhook receiver's paths and its RPC protocol. Paths are `/<behaviour>/<tag>` so every
 * scenario counts on its own path:
 * - `/ok/<tag>`: 200, counted; `/timed/<tag>`: 200, counted and the arrival time recorded per
 *   `webhook-id` (latency runs only: a map per message would not fit a 1M drain);
 * - `/fail/<tag>`: 500; `/hole/<tag>`: reads the request and never answers.
 */
export type Behaviour = 'ok' | 'timed' | 'fail' | 'hole';

export const receiverPath = (behaviour: Behaviour, tag: string): string => `/${behaviour}/${tag}`;

export interface PathStats {
  path: string;
  count: number;
  firstAt: number | null;
  lastAt: number | null;
}

export interface SampleRequest {
  headers: Record<string, string>;
  body: string;
}

export type ReceiverProtocol = {
  start: { params: { port: number }; result: { port: number } };
  stats: { params: { path: string }; result: PathStats };
  arrivals: { params: { path: string }; result: Array<[string, number]> };
  sample: { params: { path: string }; result: SampleRequest | null };
};
