import { nowMs, sleep } from '../shared/clock';
import { buildPayload, EVENT_TYPE } from '../shared/payload';
import { summarise } from '../shared/stats';
import { SteadyParams, SteadyResult } from './loadgen-protocol';
import {
  bearer,
  createPool,
  describeError,
  idOf,
  messagesPath,
  postJson,
  Reply,
} from './http-client';
import { SignedRequestFactory } from './signed-request';

const CONNECTIONS = 64;
const DRAIN_TIMEOUT_MS = 30_000;

type Send = (n: number) => Promise<{ reply: Reply; id: string }>;

function senderFor(params: SteadyParams): { send: Send; close: () => Promise<void> } {
  const target = params.target;
  const pool = createPool(target.origin, CONNECTIONS);
  const close = (): Promise<void> => pool.close();
  if (target.kind === 'service') {
    const path = messagesPath(target.appId);
    const headers = bearer(target.apiKey);
    const body = JSON.stringify({ eventType: EVENT_TYPE, payload: buildPayload() });
    return {
      close,
      send: async () => {
        const reply = await postJson(pool, path, headers, body);
        return { reply, id: reply.status === 202 ? (idOf(reply.text) ?? '') : '' };
      },
    };
  }
  const factory = new SignedRequestFactory(target.secret, JSON.stringify(buildPayload()));
  return {
    close,
    send: async (n) => {
      const id = `msg_steady_${n}`;
      const { headers, body } = factory.build(id);
      return { reply: await postJson(pool, target.path, headers, body), id };
    },
  };
}

/**
 * Open-loop load: request n is due at start + n / rate, whatever the previous ones are
 * doing (a closed loop would slow down with the service and hide its latency). Bounded by
 * `maxInFlight` and by warm-up + duration; the in-flight tail is awaited at most 30 s.
 */
export async function runSteady(params: SteadyParams): Promise<SteadyResult> {
  const { send, close } = senderFor(params);
  const acceptedAt: Array<[string, number]> = [];
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let accepted = 0;
  let errors = 0;
  let skipped = 0;
  let firstError: string | null = null;
  const total = Math.round(((params.warmupMs + params.durationMs) * params.ratePerSecond) / 1000);
  const warmupCount = Math.round((params.warmupMs * params.ratePerSecond) / 1000);
  const startedAt = nowMs();

  const fire = (n: number): void => {
    const recorded = n >= warmupCount;
    const sentAt = nowMs();
    const request = send(n)
      .then(({ reply, id }) => {
        const at = nowMs();
        if ((reply.status === 202 || reply.status === 200) && id !== '') {
          accepted++;
          if (recorded) {
            acceptedAt.push([id, at]);
            latencies.push(at - sentAt);
          }
        } else {
          errors++;
          firstError ??= `${reply.status} ${reply.text.slice(0, 300)}`;
        }
      })
      .catch((err: unknown) => {
        errors++;
        firstError ??= describeError(err);
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  let next = 0;
  while (next < total) {
    const due = Math.min(
      total,
      Math.floor(((nowMs() - startedAt) * params.ratePerSecond) / 1000) + 1,
    );
    for (; next < due; next++) {
      if (inFlight.size >= params.maxInFlight) skipped++;
      else {
        sent++;
        fire(next);
      }
    }
    await sleep(1);
  }
  const sendingMs = nowMs() - startedAt;
  await Promise.race([Promise.all(inFlight), sleep(DRAIN_TIMEOUT_MS)]);
  await close();
  return {
    sent,
    accepted,
    errors,
    firstError,
    skipped,
    acceptedAt,
    requestLatencyMs: summarise(latencies),
    achievedRatePerSecond: (sent * 1000) / sendingMs,
  };
}
