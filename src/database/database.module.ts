import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';
import { DATABASE_SERVER_FAILURE, type DatabaseServerFailure, PG_POOL } from './pg-pool';
import { MigrationRunner } from './migration-runner';

/**
 * How long a request waits for a new database connection before failing (503, see
 * isDatabaseUnavailable) instead of hanging while the database is unreachable: by default pg
 * waits for the operating system's TCP timeout, minutes. Only the connect is bounded, not
 * statements: migrations and retention deletes may legitimately run long.
 */
export const DATABASE_CONNECT_TIMEOUT_MS = 10_000;

/**
 * pg's Pool emits 'error' when the server drops an idle connection (restart, failover,
 * pg_terminate_backend); an EventEmitter 'error' with no listener kills the process. The
 * listener is attached where the pool is made, so no stage of the app's life (a start-up
 * that fails half-way included) is without it: the connection is discarded, readiness reports
 * the outage, and the pool reconnects on the next query once the database is back.
 */
function watchIdleErrors(pool: Pool): Pool {
  const logger = new Logger('DatabasePool');
  pool.on('error', (err) =>
    logger.warn({ err: { message: err.message } }, 'idle database connection lost'),
  );
  return pool;
}

/** Ends the raw pool after everything that uses it has shut down. */
@Injectable()
class PgPoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * TypeORM for the cold paths (CRUD through entities and the query builder) and one raw
 * `pg` pool, PG_POOL, for the hot paths (ingest, claim, record) where entity hydration and
 * TypeORM's per-query overhead would cost throughput. Both point at the same database.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(
    databaseUrl: string,
    serverFailure: DatabaseServerFailure = () => null,
  ): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            type: 'postgres' as const,
            url: databaseUrl,
            autoLoadEntities: true,
            synchronize: false,
            migrations: MIGRATIONS,
            migrationsTableName: 'schema_migrations',
            poolSize: Math.max(2, Math.ceil(config.DATABASE_POOL_SIZE / 2)),
            connectTimeoutMS: DATABASE_CONNECT_TIMEOUT_MS,
            logging: false,
          }),
        }),
      ],
      providers: [
        {
          provide: PG_POOL,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            watchIdleErrors(
              new Pool({
                connectionString: databaseUrl,
                max: config.DATABASE_POOL_SIZE,
                connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
              }),
            ),
        },
        {
          provide: MigrationRunner,
          inject: [DataSource],
          useFactory: async (dataSource: DataSource) => {
            const runner = new MigrationRunner(dataSource);
            await runner.run();
            return runner;
          },
        },
        PgPoolCloser,
        { provide: DATABASE_SERVER_FAILURE, useValue: serverFailure },
      ],
      exports: [PG_POOL, MigrationRunner, DATABASE_SERVER_FAILURE],
    };
  }
}
