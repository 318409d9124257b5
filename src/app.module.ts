import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AppsModule } from './apps/apps.module';
import { AuthCoreModule } from './auth/auth-core.module';
import { AuthModule } from './auth/auth.module';
import { Clock, SystemClock } from './common/clock';
import { CoreModule } from './common/core.module';
import { ErrorResponseFilter } from './common/errors/error-response.filter';
import { RuntimeKeys } from './common/runtime-keys';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DeliveryApiModule } from './delivery/delivery-api.module';
import { DeliveryWorkerModule } from './delivery/delivery-worker.module';
import { OutboundIpsModule } from './egress/outbound-ips.module';
import { EndpointHealthModule } from './endpoint-health/endpoint-health.module';
import { EndpointStatsRecorderModule } from './endpoint-stats/endpoint-stats-recorder.module';
import { EndpointStatsModule } from './endpoint-stats/endpoint-stats.module';
import { EndpointsModule } from './endpoints/endpoints.module';
import { EventTypesModule } from './event-types/event-types.module';
import { HealthModule } from './health/health.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics.module';
import { OverviewModule } from './overview/overview.module';
import { RetentionModule } from './retention/retention.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { TracingModule } from './tracing/tracing.module';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  keys: RuntimeKeys;
  /** Tests inject a FakeClock; production uses the system clock. */
  clock?: Clock;
  /** Why the database server is gone for good (main.ts: the embedded supervisor gave up). */
  databaseFailure?: () => string | null;
}

/** The public API: what ROLE=api (and all) serves. */
const API_MODULES: Type[] = [
  AppsModule,
  EventTypesModule,
  EndpointsModule,
  SubscriptionsModule,
  MessagesModule,
  DeliveryApiModule,
  OutboundIpsModule,
  RetentionModule,
  EndpointStatsModule,
  OverviewModule,
  AuthModule,
];

/**
 * What ROLE=worker (and all) runs. The API layer never imports these. Endpoint health and the
 * stats recorder register into the worker's hooks (gates, send permits, outcome observers)
 * from here, the composition root: neither they nor the worker import each other's module.
 */
const WORKER_MODULES: Type[] = [
  DeliveryWorkerModule,
  EndpointHealthModule,
  EndpointStatsRecorderModule,
];

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const role = options.config.ROLE;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        CoreModule.forRoot(options.keys, options.clock ?? new SystemClock()),
        DatabaseModule.forRoot(options.databaseUrl, options.databaseFailure),
        ScheduleModule.forRoot(),
        TracingModule,
        HealthModule,
        MetricsModule,
        AuthCoreModule,
        ...(role === 'worker' ? [] : API_MODULES),
        ...(role === 'api' ? [] : WORKER_MODULES),
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorResponseFilter }],
    };
  }
}
