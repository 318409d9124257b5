import type { ClaimedDelivery } from '../../queue/delivery-types';
import { claimedDelivery } from '../../../test/support/claimed-delivery';
import { admitClaimed, endpointsToLoad } from './claimed-admission';
import type { EndpointDeliveryConfig } from '../sending/endpoint-config';

const T0 = Date.UTC(2030, 0, 1);
const claimed = (id: string, overrides: Partial<ClaimedDelivery> = {}): ClaimedDelivery =>
  claimedDelivery(id, T0, overrides);

const config = { id: 'ep_1' } as EndpointDeliveryConfig;
const loadFailed = new Error('secret cannot be decrypted');

describe('endpointsToLoad', () => {
  it('asks for each live endpoint once, at the version its rows saw', () => {
    const sut = endpointsToLoad([
      claimed('a', { endpointId: 'ep_1', endpointUpdatedAt: new Date(T0) }),
      claimed('b', { endpointId: 'ep_1', endpointUpdatedAt: new Date(T0) }),
      claimed('c', { endpointId: 'ep_2', endpointUpdatedAt: new Date(T0 + 1) }),
    ]);
    expect([...sut]).toEqual([
      ['ep_1', new Date(T0)],
      ['ep_2', new Date(T0 + 1)],
    ]);
  });

  it('leaves out deleted and disabled endpoints', () => {
    const sut = endpointsToLoad([
      claimed('a', { endpointId: 'ep_gone', endpointDeleted: true }),
      claimed('b', { endpointId: 'ep_off', endpointDisabled: true }),
    ]);
    expect(sut.size).toBe(0);
  });
});

describe('admitClaimed', () => {
  it.each<[string, Partial<ClaimedDelivery>, EndpointDeliveryConfig | Error | undefined, string]>([
    ['endpoint loaded', {}, config, 'jobs'],
    ['endpoint failed to load: sent, and recorded as a config failure', {}, loadFailed, 'jobs'],
    ['endpoint deleted', { endpointDeleted: true }, undefined, 'cancel'],
    ['endpoint deleted, though a config is cached', { endpointDeleted: true }, config, 'cancel'],
    ['endpoint row gone since the claim', {}, undefined, 'cancel'],
    ['endpoint disabled', { endpointDisabled: true }, undefined, 'park'],
    ['endpoint disabled, though a config is cached', { endpointDisabled: true }, config, 'park'],
  ])('%s → %s', (_case, row, endpoint, expected) => {
    const delivery = claimed('a', row);
    const configs = new Map(endpoint === undefined ? [] : [['ep_1', endpoint]]);

    const sut = admitClaimed([delivery], configs);

    const where = { jobs: sut.jobs.map((j) => j.delivery), cancel: sut.cancel, park: sut.park };
    expect(Object.entries(where).filter(([, rows]) => rows.length > 0)).toEqual([
      [expected, [delivery]],
    ]);
  });

  it('queues a job with its endpoint, in claim order', () => {
    const [a, b] = [claimed('a'), claimed('b')];
    const sut = admitClaimed([a, b], new Map([['ep_1', config]]));
    expect(sut.jobs).toEqual([
      { endpointId: 'ep_1', delivery: a, endpoint: config },
      { endpointId: 'ep_1', delivery: b, endpoint: config },
    ]);
  });
});
