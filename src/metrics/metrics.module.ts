import { Global, Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { MetricsController } from './metrics.controller';
import { MetricsAuthGuard } from './metrics-auth.guard';
import { MetricsService } from './metrics.service';
import { QueueGauges } from './queue-gauges';

/**
 * Global: ingestion and the worker bump counters without importing each other. Serves
 * `GET /metrics` in every role (workers expose it for their own counters).
 */
@Global()
@Module({
  imports: [QueueModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsAuthGuard, QueueGauges],
  exports: [MetricsService],
})
export class MetricsModule {}
