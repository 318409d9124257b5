import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Keys the embedded default generates on first start and keeps in DATA_DIR, so a new user
 * gets a working, secure service with zero configuration. With DATABASE_URL the operator
 * must supply them: replicas on different machines would otherwise disagree.
 */
export interface DataDirKey {
  value: string;
  generated: boolean;
}

export function readOrCreateKey(dataDir: string, file: string, generate: () => string): DataDirKey {
  mkdirSync(dataDir, { recursive: true });
  const path = resolve(dataDir, file);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), generated: false };
  const value = generate();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { value, generated: true };
}

export const generateAdminKey = (): string => `sk_${randomBytes(24).toString('base64url')}`;
export const generateEncryptionKey = (): string => randomBytes(32).toString('base64');
