import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** Global: ingestion and the worker bump counters without importing each other. */
@Global()
@Module({
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
