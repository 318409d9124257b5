import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/** Removal of old messages, deliveries and attempts, every minute, in API processes. */
@Module({
  imports: [QueueModule],
  providers: [RetentionRepository, RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
