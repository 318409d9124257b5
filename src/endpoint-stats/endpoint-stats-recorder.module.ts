import { Module } from '@nestjs/common';
import { EndpointStatsRecorder } from './endpoint-stats.recorder';
import { EndpointStatsRepository } from './endpoint-stats.repository';

/** Worker side of the endpoint stats: keeps the per-minute counters (ROLE=worker|all). */
@Module({ providers: [EndpointStatsRepository, EndpointStatsRecorder] })
export class EndpointStatsRecorderModule {}
