import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { DatabaseHealthIndicator } from './indicators/database.health';
import { MigrationsHealthIndicator } from './indicators/migrations.health';
import { WorkerLoopHealthIndicator } from './indicators/worker-loop.health';

/** `/health/live` and `/health/ready`, served by every role (workers too, for their probes). */
@Module({
  imports: [TerminusModule.forRoot()],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, MigrationsHealthIndicator, WorkerLoopHealthIndicator],
})
export class HealthModule {}
