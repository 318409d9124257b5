import { Logger } from '@nestjs/common';
import type { WorkerHeartbeat } from '../../common/worker-heartbeat';
import type { AppConfig } from '../../config/app-config';
import type { DeliveryQueueRepository } from '../../queue/delivery-queue.repository';
import type { ClaimedDelivery } from '../../queue/delivery-types';
import { claimedDelivery } from '../../../test/support/claimed-delivery';
import { EndpointGates } from '../hooks/endpoint-gate';
import type { EndpointDeliveryConfig } from '../sending/endpoint-config';
import type { DeliveryJob } from './claimed-admission';
import { DeliveryClaimer } from './delivery-claimer';
import type { DeliveryHandback } from './delivery-handback';
import type { EndpointConfigCache } from './endpoint-config.cache';

/*
 * What the claimer does with one claim's rows when part of the database work after the claim
 * fails. The queue, the configuration cache and the hand-back are in-memory stand-ins; the
 * claim statements themselves are specified on PostgreSQL (test/delivery-queue.e2e-spec.ts).
 */

const T0 = Date.UTC(2030, 0, 1);
const NOW = new Date(T0);
const config = {
  WORKER_BATCH_SIZE: 500,
  WORKER_CONCURRENCY: 512,
  MAX_PAYLOAD_BYTES: 256 * 1024,
  WORKER_LEASE_MS: 60_000,
  REPLAY_RELEASE_BATCH: 200,
} as AppConfig;
const live = { id: 'ep_1' } as EndpointDeliveryConfig;

interface Setup {
  claimed: ClaimedDelivery[];
  getMany?: () => Promise<Map<string, EndpointDeliveryConfig | Error>>;
  cancel?: () => Promise<void>;
}

function setup({ claimed, getMany, cancel }: Setup) {
  const released: string[] = [];
  const cancelled: string[] = [];
  const queue = {
    claimFifo: async () => ({ claimed: [], more: false }),
    claim: async () => claimed,
    cancel:
      cancel ?? (async (rows: ClaimedDelivery[]) => void cancelled.push(...rows.map((d) => d.id))),
  } as unknown as DeliveryQueueRepository;
  const endpoints = {
    getMany: getMany ?? (async () => new Map([['ep_1', live]])),
  } as unknown as EndpointConfigCache;
  const handback = {
    release: async (rows: ClaimedDelivery[]) => void released.push(...rows.map((d) => d.id)),
  } as unknown as DeliveryHandback;
  const heartbeat = { beat: () => undefined, expect: () => undefined } as WorkerHeartbeat;
  const sut = new DeliveryClaimer(
    queue,
    endpoints,
    new EndpointGates(),
    handback,
    heartbeat,
    config,
  );
  const queued: DeliveryJob[] = [];
  sut.onAdmitted((jobs) => queued.push(...jobs));
  return { sut, queued, released, cancelled };
}

const claim = (sut: DeliveryClaimer): Promise<void> => sut.claim(NOW, 500, new Set(), new Set());

describe('DeliveryClaimer, after a claim', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));

  it('queues the rows of live endpoints, cancels those of deleted ones, parks those of disabled ones', async () => {
    const { sut, queued, released, cancelled } = setup({
      claimed: [
        claimedDelivery('a', T0),
        claimedDelivery('b', T0, { endpointId: 'ep_2', endpointDeleted: true }),
        claimedDelivery('c', T0, { endpointId: 'ep_3', endpointDisabled: true }),
      ],
    });

    await claim(sut);

    expect({ queued: queued.map((j) => j.delivery.id), cancelled, released }).toEqual({
      queued: ['a'],
      cancelled: ['b'],
      released: ['c'],
    });
    expect(sut.backlog).toBe(1);
  });

  it('gives every row back when the endpoint configuration cannot be loaded', async () => {
    const { sut, queued, released } = setup({
      claimed: [claimedDelivery('a', T0), claimedDelivery('b', T0)],
      getMany: async () => {
        throw new Error('connection lost');
      },
    });

    await claim(sut);

    expect({ queued, released, backlog: sut.backlog }).toEqual({
      queued: [],
      released: ['a', 'b'],
      backlog: 0,
    });
  });

  it('keeps sending the queued rows when cancelling a deleted endpoint’s rows fails', async () => {
    const { sut, queued, released } = setup({
      claimed: [
        claimedDelivery('a', T0),
        claimedDelivery('b', T0, { endpointId: 'ep_2', endpointDeleted: true }),
      ],
      cancel: async () => {
        throw new Error('connection lost');
      },
    });

    await claim(sut);

    // Releasing 'a' would put a row that is being sent back in the queue (sent twice), and
    // counting it out twice would let the next claim take more than the capacity.
    expect({ queued: queued.map((j) => j.delivery.id), released, backlog: sut.backlog }).toEqual({
      queued: ['a'],
      released: [],
      backlog: 1,
    });
  });
});
