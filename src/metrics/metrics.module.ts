import { Module } from '@nestjs/common';

/** Prometheus metrics (filled in by its issue). */
@Module({})
export class MetricsModule {}
