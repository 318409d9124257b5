import type { NetworkInterfaceInfo } from 'node:os';
import { deniedAddresses, ownListeningAddresses } from './own-addresses';

const iface = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, internal, family: address.includes(':') ? 'IPv6' : 'IPv4' }) as NetworkInterfaceInfo;

describe('ownListeningAddresses', () => {
  const interfaces = {
    lo: [iface('127.0.0.1', true), iface('::1', true)],
    eth0: [iface('203.0.113.5'), iface('fe80::1%eth0')],
    eth1: [iface('203.0.113.5')],
  };

  it('lists the external interface addresses once each, without zone ids', () => {
    expect(ownListeningAddresses('0.0.0.0', interfaces)).toEqual(['203.0.113.5', 'fe80::1']);
  });

  it('adds a specific HOST address', () => {
    expect(ownListeningAddresses('198.51.100.9', interfaces)).toContain('198.51.100.9');
  });

  it('ignores a HOST that is a name (it resolves to addresses the policy judges anyway)', () => {
    expect(ownListeningAddresses('localhost', interfaces)).not.toContain('localhost');
  });
});

describe('deniedAddresses', () => {
  const interfaces = {
    eth0: [iface('198.51.100.4')],
  };

  it.each([
    [false, ['198.51.100.4', '203.0.113.0/24']],
    [true, ['203.0.113.0/24']],
  ])('with private networks allowed %s: %j', (allowPrivate, expected) => {
    const sut = deniedAddresses(
      {
        HOST: '0.0.0.0',
        DELIVERY_ALLOW_PRIVATE_NETWORKS: allowPrivate,
        DELIVERY_DENY_ADDRESSES: ['203.0.113.0/24'],
      },
      interfaces,
    );
    expect(sut).toEqual(expected);
  });
});
