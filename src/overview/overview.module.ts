import { Module } from '@nestjs/common';
import { EndpointStatsModule } from '../endpoint-stats/endpoint-stats.module';
import { QueueModule } from '../queue/queue.module';
import { OverviewController } from './overview.controller';
import { OverviewService } from './overview.service';
import { TroubledEndpointsRepository } from './troubled-endpoints.repository';

/** What the operator console's first page shows: queue health across every app. */
@Module({
  imports: [EndpointStatsModule, QueueModule],
  controllers: [OverviewController],
  providers: [OverviewService, TroubledEndpointsRepository],
})
export class OverviewModule {}
