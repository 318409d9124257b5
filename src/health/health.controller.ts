import { Controller, Get, UseFilters } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { HealthCheckFailureFilter } from './health-check-failure.filter';
import { DatabaseHealthIndicator } from './indicators/database.health';
import { MigrationsHealthIndicator } from './indicators/migrations.health';
import { WorkerLoopHealthIndicator } from './indicators/worker-loop.health';

@ApiTags('Health')
@Public()
@UseFilters(HealthCheckFailureFilter)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly migrations: MigrationsHealthIndicator,
    private readonly worker: WorkerLoopHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Liveness: 200 while the process and its event loop run and its embedded database (if any) has not been lost for good; 503 otherwise',
  })
  live() {
    return this.health.check([() => this.database.checkServerAlive()]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: database reachable, migrations applied, delivery loop beating (where this process runs one); 503 otherwise',
  })
  ready() {
    return this.health.check([
      () => this.database.check(),
      () => this.migrations.check(),
      () => this.worker.check(),
    ]);
  }
}
