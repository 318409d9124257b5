import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogger } from './common/logging/json-logger';
import { loadConfig } from './config/app-config';
import {
  ADMIN_KEY_FILE,
  PORTAL_SIGNING_KEY_FILE,
  resolveRuntimeKeys,
} from './runtime-keys.resolver';

interface Run {
  printed: string[];
  logLines: Array<Record<string, unknown>>;
  adminApiKeys: readonly string[];
}

describe('resolveRuntimeKeys on the embedded default', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookrelay-keys-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  function run(logLevel = 'info'): Run {
    const written: string[] = [];
    const printed: string[] = [];
    const logger = new JsonLogger(logLevel, { write: (chunk: string) => void written.push(chunk) });
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: logLevel });
    const keys = resolveRuntimeKeys(config, true, logger, (line) => printed.push(line));
    return {
      printed,
      logLines: written.map((line) => JSON.parse(line) as Record<string, unknown>),
      adminApiKeys: keys.adminApiKeys,
    };
  }

  it('prints a generated admin key once, on a plain line of its own', () => {
    const sut = run();

    expect(sut.printed).toEqual([expect.stringContaining(sut.adminApiKeys[0])]);
  });

  it('keeps the generated key out of the JSON log, which names the file instead', () => {
    const sut = run();

    expect(JSON.stringify(sut.logLines)).not.toContain(sut.adminApiKeys[0]);
    expect(sut.logLines).toContainEqual(
      expect.objectContaining({ file: join(dataDir, ADMIN_KEY_FILE), level: 'warn' }),
    );
  });

  it('prints the key whatever the log level', () => {
    const sut = run('error');

    expect(sut.printed).toHaveLength(1);
    expect(sut.logLines).toEqual([]);
  });

  it('stores the key in DATA_DIR, readable by its owner only', () => {
    const sut = run();
    const file = join(dataDir, ADMIN_KEY_FILE);

    expect(readFileSync(file, 'utf8').trim()).toBe(sut.adminApiKeys[0]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('prints nothing on a later start, which reuses the stored key', () => {
    const first = run();

    const second = run();

    expect(second.adminApiKeys).toEqual(first.adminApiKeys);
    expect(second.printed).toEqual([]);
  });
});

describe('resolveRuntimeKeys: the portal signing key', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookrelay-keys-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const resolveWith = (env: Record<string, string>, embedded: boolean) =>
    resolveRuntimeKeys(
      loadConfig({ DATA_DIR: dataDir, ...env }),
      embedded,
      new JsonLogger('silent', { write: () => undefined }),
      () => undefined,
    );
  const external = {
    ADMIN_API_KEYS: 'admin-key-0123456789abcdef',
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  };

  it('is generated into DATA_DIR on the embedded default (owner-only) and reused', () => {
    const first = resolveWith({}, true);
    const second = resolveWith({}, true);
    const file = join(dataDir, PORTAL_SIGNING_KEY_FILE);

    expect({
      length: first.portalSigningKey?.length,
      reused: second.portalSigningKey?.equals(first.portalSigningKey ?? Buffer.alloc(0)),
      mode: statSync(file).mode & 0o777,
    }).toEqual({ length: 32, reused: true, mode: 0o600 });
  });

  it('is taken from PORTAL_SIGNING_KEY when set', () => {
    const key = Buffer.alloc(32, 9).toString('base64');

    expect(resolveWith({ ...external, PORTAL_SIGNING_KEY: key }, false).portalSigningKey).toEqual(
      Buffer.from(key, 'base64'),
    );
  });

  it('is left to derivation with DATABASE_URL and no PORTAL_SIGNING_KEY (nothing required)', () => {
    expect(resolveWith(external, false).portalSigningKey).toBeUndefined();
  });
});
