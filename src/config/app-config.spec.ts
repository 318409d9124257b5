import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { CONFIG_SCHEMA } from './config.schema';

describe('loadConfig', () => {
  it('gives every variable its documented default', () => {
    const sut = loadConfig({});
    expect(sut).toMatchObject({
      PORT: 3000,
      ROLE: 'all',
      DATA_DIR: './.data',
      MAX_PAYLOAD_BYTES: 262144,
      RETENTION_DAYS: 30,
    });
    expect(sut.DATABASE_URL).toBeUndefined();
    expect(sut.ADMIN_API_KEYS).toEqual([]);
    expect(sut.ENDPOINT_DISABLE_AFTER).toBe(5 * 24 * 3600 * 1000);
    expect(sut.DELIVERY_ALLOW_PRIVATE_NETWORKS).toBe(false);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['ROLE', 'scheduler'],
    ['DATABASE_URL', 'mysql://x'],
    ['ENDPOINT_DISABLE_AFTER', 'five days'],
    ['OUTBOUND_IPS', '203.0.113.10,not-an-ip'],
    ['OUTBOUND_IPS', '203.0.113.0/33'],
    ['OUTBOUND_IPS', '203.0.113.10/24'],
    ['ENDPOINT_DISABLE_AFTER', '0s'],
    ['ENDPOINT_DISABLE_AFTER', '59s'],
    ['OUTBOUND_BIND_ADDRESSES', '10.0.0.300'],
    ['DELIVERY_ALLOW_PRIVATE_NETWORKS', 'maybe'],
    ['SECRETS_ENCRYPTION_KEY', 'dG9vLXNob3J0'],
    ['ADMIN_API_KEYS', 'short'],
    ['RETENTION_DAYS', '0'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '10.0.0.1,proxy.internal'],
  ])('stops on %s=%s with a message naming it', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`${key}=`));
  });

  describe('TRUST_PROXY', () => {
    it.each<[string, false | number | string[]]>([
      ['', false],
      ['1', 1],
      ['10.0.0.1, 10.1.0.0/16,::1', ['10.0.0.1', '10.1.0.0/16', '::1']],
    ])('reads %j as %j', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
    });
  });

  describe('OUTBOUND_IPS', () => {
    it.each([
      ['203.0.113.10/24', '203.0.113.0/24'],
      ['10.1.2.3/8', '10.0.0.0/8'],
      ['2001:db8::1/32', '2001:db8::/32'],
    ])('rejects %s (host bits set), naming the entry and its network', (entry, network) => {
      expect(() => loadConfig({ OUTBOUND_IPS: `198.51.100.7, ${entry}` })).toThrow(
        new RegExp(`OUTBOUND_IPS=.*"${entry}" has host bits set: write its network, ${network}`),
      );
    });

    it.each(['203.0.113.0/24', '203.0.113.10/32', '203.0.113.10', '2001:db8::/32', '0.0.0.0/0'])(
      'accepts %s',
      (entry) => {
        expect(loadConfig({ OUTBOUND_IPS: entry }).OUTBOUND_IPS).toEqual([entry]);
      },
    );
  });

  describe('ENDPOINT_DISABLE_AFTER', () => {
    it('accepts the one-minute minimum', () => {
      expect(loadConfig({ ENDPOINT_DISABLE_AFTER: '1m' }).ENDPOINT_DISABLE_AFTER).toBe(60_000);
    });

    it('names the minimum when below it', () => {
      expect(() => loadConfig({ ENDPOINT_DISABLE_AFTER: '0s' })).toThrow(/at least 1m/);
    });
  });

  describe('WORKER_LEASE_MS against DELIVERY_TIMEOUT_MS', () => {
    it('stops start-up when the lease is shorter than twice the timeout, naming both', () => {
      const load = () => loadConfig({ WORKER_LEASE_MS: '29999', DELIVERY_TIMEOUT_MS: '15000' });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/WORKER_LEASE_MS=29999.*2 × DELIVERY_TIMEOUT_MS=15000/);
    });

    it('stops start-up when only the timeout grows past half the default lease', () => {
      expect(() => loadConfig({ DELIVERY_TIMEOUT_MS: '30001' })).toThrow(/WORKER_LEASE_MS=60000/);
    });

    it('accepts a lease of exactly twice the timeout', () => {
      expect(
        loadConfig({ WORKER_LEASE_MS: '30000', DELIVERY_TIMEOUT_MS: '15000' }).WORKER_LEASE_MS,
      ).toBe(30000);
    });
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', ROLE: 'y' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });

  it('never echoes a secret value in its message', () => {
    expect(() => loadConfig({ SECRETS_ENCRYPTION_KEY: 'c2VjcmV0LXZhbHVl' })).toThrow(
      /SECRETS_ENCRYPTION_KEY=\(hidden\)/,
    );
    expect(() => loadConfig({ ADMIN_API_KEYS: 'leaky' })).not.toThrow(/leaky/);
  });

  it('parses lists and durations', () => {
    const sut = loadConfig({
      ADMIN_API_KEYS: ' key-one-0123456789 , key-two-0123456789 ',
      OUTBOUND_IPS: '203.0.113.10, 2001:db8::/32',
      ENDPOINT_DISABLE_AFTER: '12h',
    });
    expect(sut.ADMIN_API_KEYS).toEqual(['key-one-0123456789', 'key-two-0123456789']);
    expect(sut.OUTBOUND_IPS).toEqual(['203.0.113.10', '2001:db8::/32']);
    expect(sut.ENDPOINT_DISABLE_AFTER).toBe(12 * 3600 * 1000);
  });
});

describe('the README configuration table', () => {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');

  it.each(Object.entries(CONFIG_SCHEMA))('documents %s with its default', (key, spec) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
    expect(row).toBeDefined();
    const shownDefault =
      spec.default === undefined
        ? '_(unset)_'
        : spec.default === ''
          ? '_(empty)_'
          : `\`${spec.default}\``;
    expect(row).toContain(`| ${shownDefault} |`);
  });
});
