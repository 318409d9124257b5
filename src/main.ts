import 'reflect-metadata';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config/app-config';
import {
  DatabaseServer,
  externalDatabase,
  startEmbeddedDatabase,
} from './database/embedded-database';
import { applyHeapGrowth } from './common/heap-growth';
import { JsonLogger } from './common/logging/json-logger';
import { createHttpApp } from './http-app';
import { resolveRuntimeKeys } from './runtime-keys.resolver';

/**
 * One build, three roles (ROLE=all|api|worker). The embedded PostgreSQL, when used, starts
 * before the app and stops after it has closed, so shutdown never cuts the database away
 * from in-flight work.
 */
async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  applyHeapGrowth(config.ROLE, config.WORKER_HEAP_GROWTH_PERCENT);
  const logger = new JsonLogger(config.LOG_LEVEL);
  let database: DatabaseServer | undefined;
  let stop: ((signal: string, exitCode?: number) => Promise<void>) | undefined;
  try {
    database = config.DATABASE_URL
      ? externalDatabase(config.DATABASE_URL)
      : await startEmbeddedDatabase({
          dataDir: config.DATA_DIR,
          port: config.EMBEDDED_POSTGRES_PORT,
          log: (l) => logger.warn(l, 'EmbeddedDatabase'),
          logger: {
            warn: (fields, message) => logger.warn(fields, message, 'EmbeddedDatabase'),
            error: (fields, message) => logger.error(fields, message, 'EmbeddedDatabase'),
          },
          onUnrecoverable: (reason) => {
            // Liveness fails from now on; stopping also lets a supervisor restart us at once.
            logger.fatal(
              { reason },
              'the embedded database cannot be restarted: stopping',
              'Bootstrap',
            );
            void stop?.('embedded database lost', 1);
          },
        });
    const server = database;
    const keys = resolveRuntimeKeys(config, database.embedded, logger);
    const app = await createHttpApp({
      config,
      databaseUrl: database.url,
      keys,
      logger,
      databaseFailure: () => server.failure(),
      webDir: join(__dirname, 'public'),
    });
    await app.listen(config.PORT, config.HOST);
    logger.log(
      {
        role: config.ROLE,
        port: config.PORT,
        database: database.embedded ? `embedded (${config.DATA_DIR})` : 'external',
      },
      'service started; API docs at /docs',
      'Bootstrap',
    );

    let stopping = false;
    stop = async (signal: string, exitCode = 0): Promise<void> => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal}: shutting down`, 'Bootstrap');
      try {
        await app.close();
      } finally {
        await database?.stop();
        logger.log('stopped', 'Bootstrap');
        logger.flush();
        process.exit(exitCode);
      }
    };
    process.on('SIGTERM', () => void stop?.('SIGTERM received'));
    process.on('SIGINT', () => void stop?.('SIGINT received'));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      // Never "undefined": a start-up that fails says why (and a rejection without a reason says so).
      const error =
        err instanceof Error
          ? err
          : new Error(err === undefined ? 'start-up failed without a reason' : String(err));
      logger.fatal(
        { err: { name: error.name, message: error.message, stack: error.stack } },
        `start-up failed: ${error.message}`,
        'Bootstrap',
      );
    }
    await database?.stop().catch(() => undefined);
    logger.flush();
    process.exit(err instanceof ConfigError ? 78 : 1);
  }
}

void bootstrap();
