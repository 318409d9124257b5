import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueModule } from '../queue/queue.module';
import { AppEntity } from './app.entity';
import { AppsRepository } from './apps.repository';
import { AppsService } from './apps.service';

/**
 * Apps without their routes: what other features (ingestion, also inside worker processes)
 * import. Nest registers the controllers of every module in the graph, so a module that
 * carries routes must never reach a ROLE=worker process.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AppEntity]), QueueModule],
  providers: [AppsService, AppsRepository],
  exports: [AppsService],
})
export class AppsCoreModule {}
