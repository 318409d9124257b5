import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogger } from './common/logging/json-logger';
import { loadConfig } from './config/app-config';
import { ADMIN_KEY_FILE, resolveRuntimeKeys } from './runtime-keys.resolver';

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
