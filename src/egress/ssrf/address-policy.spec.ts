import {
  compileAddressPolicy,
  forbiddenAddressReason,
  literalHostAddress,
  parseAddressRanges,
} from './address-policy';

describe('forbiddenAddressReason', () => {
  describe('refuses internal and special-purpose addresses', () => {
    it.each([
      // IPv4
      ['0.0.0.0', /unspecified/],
      ['0.1.2.3', /unspecified/],
      ['127.0.0.1', /loopback/],
      ['127.255.255.254', /loopback/],
      ['10.0.0.1', /private network/],
      ['10.255.255.255', /private network/],
      ['172.16.0.1', /private network/],
      ['172.31.255.255', /private network/],
      ['192.168.1.1', /private network/],
      ['169.254.169.254', /link-local.*metadata/],
      ['169.254.0.1', /link-local/],
      ['100.64.0.1', /carrier-grade NAT/],
      ['100.127.255.255', /carrier-grade NAT/],
      ['192.0.0.192', /IETF protocol assignment/],
      ['192.0.2.10', /documentation/],
      ['198.51.100.7', /documentation/],
      ['203.0.113.99', /documentation/],
      ['198.18.0.1', /benchmarking/],
      ['198.19.255.255', /benchmarking/],
      ['192.88.99.1', /6to4 relay/],
      ['224.0.0.1', /multicast/],
      ['239.255.255.250', /multicast/],
      ['240.0.0.1', /reserved/],
      ['255.255.255.255', /broadcast/],
      // IPv6
      ['::', /unspecified/],
      ['::1', /loopback/],
      ['0:0:0:0:0:0:0:1', /loopback/],
      ['fc00::1', /unique local/],
      ['fd00:ec2::254', /unique local/],
      ['fe80::1', /link-local/],
      ['fe80::1%eth0', /link-local/],
      ['febf:ffff::1', /link-local/],
      ['fec0::1', /site-local/],
      ['ff02::1', /multicast/],
      ['100::1', /discard/],
      ['2001:db8::1', /documentation/],
      ['3fff::1', /documentation/],
      ['2001:2::1', /benchmarking/],
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
      ['::7f00:1', /IPv4-compatible/],
      ['64:ff9b:1::a00:1', /local-use NAT64/],
      // IPv6 embedding a forbidden IPv4
      ['::ffff:127.0.0.1', /IPv4-mapped IPv6 address embedding 127\.0\.0\.1: loopback/],
      ['::ffff:7f00:1', /IPv4-mapped .* 127\.0\.0\.1: loopback/],
      ['::ffff:169.254.169.254', /IPv4-mapped .*metadata/],
      ['::ffff:10.1.2.3', /IPv4-mapped .*private network/],
      ['::ffff:0:10.1.2.3', /IPv4-translated .*private network/],
      ['64:ff9b::127.0.0.1', /NAT64 address embedding 127\.0\.0\.1: loopback/],
      ['64:ff9b::a9fe:a9fe', /NAT64 .* 169\.254\.169\.254/],
      ['2002:7f00:1::', /6to4 address embedding 127\.0\.0\.1: loopback/],
      ['2002:c0a8:101::1', /6to4 .* 192\.168\.1\.1: private network/],
      // Not an address at all: fail closed
      ['', /not an IP address/],
      ['localhost', /not an IP address/],
      ['[::1]', /not an IP address/],
      ['999.1.1.1', /not an IP address/],
    ])('%s', (ip, reason) => {
      expect(forbiddenAddressReason(ip)).toMatch(reason);
    });
  });

  describe('allows public addresses', () => {
    it.each([
      '8.8.8.8',
      '1.1.1.1',
      '93.184.215.14',
      '100.63.255.255',
      '100.128.0.0',
      '172.15.255.255',
      '172.32.0.0',
      '192.167.255.255',
      '169.253.255.255',
      '198.17.255.255',
      '198.20.0.0',
      '223.255.255.255',
      '2606:4700::1',
      '2606:4700:4700::1111',
      '2001:4860:4860::8888',
      '2a00:1450:4001:82b::200e',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ])('%s', (ip) => {
      expect(forbiddenAddressReason(ip)).toBeNull();
    });
  });

  describe('extra forbidden addresses', () => {
    const ownAddresses = ['203.0.114.10', '198.51.99.0/24', '2a01:4f8::/32', '::ffff:8.8.4.4'];

    it.each([
      ['an exact address', '203.0.114.10'],
      ['an address inside a listed IPv4 CIDR', '198.51.99.200'],
      ['an address inside a listed IPv6 CIDR', '2a01:4f8:c17:1::1'],
      ['the IPv4-mapped form of a listed IPv4 address', '::ffff:203.0.114.10'],
      ['the IPv4 form of a listed IPv4-mapped address', '8.8.4.4'],
      ['a NAT64 spelling of a listed address', '64:ff9b::cb00:720a'],
    ])('refuses %s', (_case, ip) => {
      expect(forbiddenAddressReason(ip, ownAddresses)).toMatch(/our own addresses/);
    });

    it.each(['203.0.114.11', '198.51.98.255', '2a01:4f9::1', '8.8.8.8'])(
      'still allows the unlisted %s',
      (ip) => {
        expect(forbiddenAddressReason(ip, ownAddresses)).toBeNull();
      },
    );

    it.each(['not-an-ip', '10.0.0.0/33', '1.2.3.4/'])('rejects the malformed entry %p', (entry) => {
      expect(() => forbiddenAddressReason('8.8.8.8', [entry])).toThrow(
        `Forbidden address entry "${entry}" is not an IP address or CIDR`,
      );
    });
  });
});

describe('compileAddressPolicy', () => {
  it('with allowPrivate lets built-in ranges through', () => {
    const sut = compileAddressPolicy({ allowPrivate: true, extraForbidden: [] });
    expect(['127.0.0.1', '::1', '10.0.0.1', '169.254.169.254'].map(sut)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('with allowPrivate still refuses the extra forbidden list', () => {
    const sut = compileAddressPolicy({ allowPrivate: true, extraForbidden: ['127.0.0.1'] });
    expect(sut('127.0.0.1')).toMatch(/our own addresses/);
  });

  it('with allowPrivate still refuses what is not an address', () => {
    const sut = compileAddressPolicy({ allowPrivate: true, extraForbidden: [] });
    expect(sut('localhost')).toMatch(/not an IP address/);
  });

  it('without allowPrivate refuses built-in ranges', () => {
    const sut = compileAddressPolicy({ allowPrivate: false, extraForbidden: [] });
    expect(sut('127.0.0.1')).toMatch(/loopback/);
  });
});

describe('parseAddressRanges', () => {
  it.each([
    ['10.0.0.0/8', 'ipv4', 8],
    ['192.0.2.1', 'ipv4', 32],
    ['2001:db8::/48', 'ipv6', 48],
    ['2001:db8::1', 'ipv6', 128],
    ['::ffff:10.0.0.0/104', 'ipv4', 8],
    [' 10.0.0.1 ', 'ipv4', 32],
  ])('parses %p', (entry, kind, prefixLength) => {
    const [sut] = parseAddressRanges([entry]);
    expect([sut.network.kind(), sut.prefixLength]).toEqual([kind, prefixLength]);
  });
});

describe('literalHostAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '::1'],
    ['[2606:4700::1]', '2606:4700::1'],
    ['[::FFFF:7F00:1]', '::ffff:7f00:1'],
    ['::1', '::1'],
    ['example.com', null],
    ['localhost', null],
    ['2130706433', null],
    ['0x7f.0.0.1', null],
    ['[example.com]', null],
    ['', null],
  ])('%p → %p', (hostname, expected) => {
    expect(literalHostAddress(hostname)).toBe(expected);
  });
});

describe('a URL hostname, end to end through WHATWG URL parsing', () => {
  it.each([
    ['decimal', 'http://2130706433/'],
    ['hexadecimal', 'http://0x7f.0.0.1/'],
    ['octal', 'http://0177.0.0.1/'],
    ['short form', 'http://127.1/'],
    ['mixed radix', 'http://0x7f.000.0x0.01/'],
    ['trailing dot', 'http://127.0.0.1./'],
    ['with credentials and port', 'http://user:pw@127.0.0.1:8080/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv6 loopback, long form', 'http://[0:0:0:0:0:0:0:1]/'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['cloud metadata in decimal', 'http://2852039166/'],
    ['unspecified', 'http://0/'],
    ['NAT64', 'http://[64:ff9b::7f00:1]/'],
  ])('refuses a %s spelling: %s', (_case, url) => {
    const literal = literalHostAddress(new URL(url).hostname);
    expect(literal).not.toBeNull();
    expect(forbiddenAddressReason(literal!)).not.toBeNull();
  });

  it.each(['http://8.8.8.8/', 'http://134744072/', 'http://[2606:4700::1]/'])(
    'allows the public %s',
    (url) => {
      const literal = literalHostAddress(new URL(url).hostname);
      expect(literal).not.toBeNull();
      expect(forbiddenAddressReason(literal!)).toBeNull();
    },
  );
});
