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
    ['OUTBOUND_BIND_ADDRESSES', '10.0.0.300'],
    ['DELIVERY_ALLOW_PRIVATE_NETWORKS', 'maybe'],
    ['SECRETS_ENCRYPTION_KEY', 'dG9vLXNob3J0'],
    ['ADMIN_API_KEYS', 'short'],
    ['RETENTION_DAYS', '0'],
  ])('stops on %s=%s with a message naming it', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`${key}=`));
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
