import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { OtelTracing } from './otel-tracing';
import { NO_TRACING, TRACING, type Tracing } from './tracing';
import { tracingSettings } from './tracing-settings';

/** The SDK when an OTLP exporter is configured, else NO_TRACING (no spans, no work). */
export function createTracing(config: AppConfig): Tracing {
  const settings = tracingSettings(config);
  return settings === null ? NO_TRACING : new OtelTracing(settings);
}

/** Exports the spans still buffered when the application shuts down (SIGTERM). */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  private readonly logger = new Logger('Tracing');

  // After every module's beforeApplicationShutdown: the worker has ended its attempts' spans.
  async onApplicationShutdown(): Promise<void> {
    try {
      await this.tracing.shutdown();
    } catch (err) {
      // The collector is unreachable: the last spans are lost, the shutdown goes on.
      this.logger.warn({ err: String(err) }, 'exporting the last spans failed');
    }
  }
}

/** Global: ingestion and the delivery sender inject TRACING without importing the SDK. */
@Global()
@Module({
  providers: [
    { provide: TRACING, useFactory: createTracing, inject: [APP_CONFIG] },
    TracingShutdown,
  ],
  exports: [TRACING],
})
export class TracingModule {}
