import { Module } from '@nestjs/common';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { EndpointStatsController } from './endpoint-stats.controller';
import { EndpointStatsRepository } from './endpoint-stats.repository';
import { EndpointStatsService } from './endpoint-stats.service';

/** API side of the endpoint stats: reads the counters the worker keeps. */
@Module({
  imports: [EndpointsModule],
  controllers: [EndpointStatsController],
  providers: [EndpointStatsRepository, EndpointStatsService],
  exports: [EndpointStatsRepository],
})
export class EndpointStatsModule {}
