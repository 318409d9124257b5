import {
  addressFamily,
  assertBindAddressesAssignable,
  assertBindAddressesPublished,
} from './bind-addresses';

describe('assertBindAddressesPublished', () => {
  it.each([
    ['an exact match', ['203.0.113.10'], ['203.0.113.10']],
    ['inside a CIDR', ['198.51.100.7'], ['198.51.100.0/28']],
    ['an IPv6 address inside an IPv6 CIDR', ['2001:db8::5'], ['2001:db8::/64']],
    [
      'an IPv4-mapped spelling of a published IPv4 address',
      ['::ffff:203.0.113.10'],
      ['203.0.113.10'],
    ],
    ['no bind addresses at all', [], []],
  ])('accepts %s', (_case, bind, published) => {
    expect(() => assertBindAddressesPublished(bind, published)).not.toThrow();
  });

  it.each([
    ['outside every range', ['198.51.100.16'], ['198.51.100.0/28']],
    ['with nothing published', ['198.51.100.16'], []],
    ['of the other family', ['2001:db8::1'], ['203.0.113.0/24']],
  ])('refuses an address %s, naming the variable and the address', (_case, bind, published) => {
    expect(() => assertBindAddressesPublished(bind, published)).toThrow(
      `OUTBOUND_BIND_ADDRESSES: ${bind[0]} is not within OUTBOUND_IPS`,
    );
  });
});

describe('assertBindAddressesAssignable', () => {
  it('accepts a loopback alias (Linux routes all of 127/8 to lo)', async () => {
    await expect(
      assertBindAddressesAssignable(['127.0.0.1', '127.0.0.3']),
    ).resolves.toBeUndefined();
  });

  it('refuses an address this machine does not have', async () => {
    await expect(assertBindAddressesAssignable(['192.0.2.1'])).rejects.toThrow(
      'OUTBOUND_BIND_ADDRESSES: 192.0.2.1 cannot be bound on this machine (EADDRNOTAVAIL)',
    );
  });
});

describe('addressFamily', () => {
  it.each([
    ['127.0.0.2', 4],
    ['::1', 6],
    ['::ffff:127.0.0.2', 4],
  ])('%s → %d', (address, family) => {
    expect(addressFamily(address)).toBe(family);
  });
});
