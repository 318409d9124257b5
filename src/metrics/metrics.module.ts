import { Global, Module } from '@nestjs/common';
import { METRICS_RECORDER } from '../common/metrics-port';
import { QueueModule } from '../queue/queue.module';
import { MetricsController } from './metrics.controller';
import { MetricsAuthGuard } from './metrics-auth.guard';
import { MetricsService } from './metrics.service';
import { QueueGauges } from './queue-gauges';

/**
 * Global: ingestion and the worker bump counters through METRICS_RECORDER (common/metrics-port.ts)
 * without importing this folder or each other. Serves
 * `GET /metrics` in every role (workers expose it for their own counters).
 */
@Global()
@Module({
  imports: [QueueModule],
  controllers: [MetricsController],
  providers: [
    MetricsService,
    { provide: METRICS_RECORDER, useExisting: MetricsService },
    MetricsAuthGuard,
    QueueGauges,
  ],
  exports: [METRICS_RECORDER],
})
export class MetricsModule {}
