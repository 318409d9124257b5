import { LoggerService } from '@nestjs/common';
import { resolve } from 'node:path';
import { RuntimeKeys } from './common/runtime-keys';
import { AppConfig, ConfigError } from './config/app-config';
import { generateAdminKey, generateEncryptionKey, readOrCreateKey } from './database/data-dir-keys';

export const ADMIN_KEY_FILE = 'admin-api-key';
export const PORTAL_SIGNING_KEY_FILE = 'portal-signing.key';

/** Where a generated admin key is shown: the terminal of whoever started the service. */
export type SecretPrinter = (line: string) => void;

const printToStderr: SecretPrinter = (line) => void process.stderr.write(`${line}\n`);

/**
 * Admin keys, the encryption key and the portal signing key: from the configuration when given; on the embedded
 * default generated once into DATA_DIR. A generated admin key is printed once, on the run
 * that made it, as a plain stderr line and whatever LOG_LEVEL says: log lines are shipped
 * and kept where a secret must not go, so the JSON log names only the file.
 */
export function resolveRuntimeKeys(
  config: AppConfig,
  embedded: boolean,
  logger: LoggerService,
  printSecret: SecretPrinter = printToStderr,
): RuntimeKeys {
  const missing: string[] = [];
  let adminApiKeys = config.ADMIN_API_KEYS;
  if (adminApiKeys.length === 0) {
    if (!embedded)
      missing.push(
        'ADMIN_API_KEYS: required when DATABASE_URL is set (comma-separated keys of at least 16 characters)',
      );
    else {
      const key = readOrCreateKey(config.DATA_DIR, ADMIN_KEY_FILE, generateAdminKey);
      adminApiKeys = [key.value];
      if (key.generated) {
        const file = resolve(config.DATA_DIR, ADMIN_KEY_FILE);
        printSecret(
          `Generated admin API key (saved to ${file}; shown only this once): ${key.value}`,
        );
        logger.warn(
          { file },
          'generated an admin API key into file (printed once on stderr, never logged)',
          'Bootstrap',
        );
      }
    }
  }
  let encryptionKey = config.SECRETS_ENCRYPTION_KEY;
  if (encryptionKey === undefined) {
    if (!embedded)
      missing.push(
        'SECRETS_ENCRYPTION_KEY: required when DATABASE_URL is set (openssl rand -base64 32)',
      );
    else
      encryptionKey = readOrCreateKey(
        config.DATA_DIR,
        'secrets-encryption.key',
        generateEncryptionKey,
      ).value;
  }
  if (missing.length > 0) throw new ConfigError(missing);
  // Never required: without it (and without the embedded default) the auth module derives
  // one from the encryption key, which every replica shares.
  const portalSigningKey =
    config.PORTAL_SIGNING_KEY ??
    (embedded
      ? readOrCreateKey(config.DATA_DIR, PORTAL_SIGNING_KEY_FILE, generateEncryptionKey).value
      : undefined);
  return {
    adminApiKeys,
    encryptionKey: Buffer.from(encryptionKey as string, 'base64'),
    ...(portalSigningKey === undefined
      ? {}
      : { portalSigningKey: Buffer.from(portalSigningKey, 'base64') }),
  };
}
