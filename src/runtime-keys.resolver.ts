import { LoggerService } from '@nestjs/common';
import { RuntimeKeys } from './common/runtime-keys';
import { AppConfig, ConfigError } from './config/app-config';
import { generateAdminKey, generateEncryptionKey, readOrCreateKey } from './database/data-dir-keys';

/**
 * Admin keys and the encryption key: from the configuration when given; on the embedded
 * default generated once into DATA_DIR (the admin key printed once, on the run that made it).
 */
export function resolveRuntimeKeys(
  config: AppConfig,
  embedded: boolean,
  logger: LoggerService,
): RuntimeKeys {
  const missing: string[] = [];
  let adminApiKeys = config.ADMIN_API_KEYS;
  if (adminApiKeys.length === 0) {
    if (!embedded)
      missing.push(
        'ADMIN_API_KEYS: required when DATABASE_URL is set (comma-separated keys of at least 16 characters)',
      );
    else {
      const key = readOrCreateKey(config.DATA_DIR, 'admin-api-key', generateAdminKey);
      adminApiKeys = [key.value];
      if (key.generated) {
        logger.warn(
          `Generated an admin API key (stored in ${config.DATA_DIR}/admin-api-key; shown only this once): ${key.value}`,
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
  return { adminApiKeys, encryptionKey: Buffer.from(encryptionKey as string, 'base64') };
}
