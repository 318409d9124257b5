import { Module } from '@nestjs/common';
import { AppsCoreModule } from '../apps/apps-core.module';
import { QueueModule } from '../queue/queue.module';
import { MessageFeedService } from './message-feed.service';
import { MessageIngestModule } from './message-ingest.module';
import { MessagesController } from './messages.controller';

/** The messages routes (API role): ingestion and the events feed. */
@Module({
  imports: [MessageIngestModule, AppsCoreModule, QueueModule],
  controllers: [MessagesController],
  providers: [MessageFeedService],
})
export class MessagesModule {}
