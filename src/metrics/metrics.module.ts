import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsAuthGuard } from './metrics-auth.guard';
import { MetricsService } from './metrics.service';
import { QueueGauges } from './queue-gauges';
import { QueueStatsRepository } from './queue-stats.repository';

/**
 * Global: ingestion and the worker bump counters without importing each other. Serves
 * `GET /metrics` in every role (workers expose it for their own counters).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsAuthGuard, QueueStatsRepository, QueueGauges],
  exports: [MetricsService, QueueStatsRepository],
})
export class MetricsModule {}
