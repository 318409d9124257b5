import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { EventTypesModule } from '../event-types/event-types.module';
import { RoutingModule } from '../routing/routing.module';
import { AppIdResolver } from './app-id.resolver';
import { DeliveryWaker } from './delivery-waker';
import { EventTypeCatalogCache } from './event-type-catalog.cache';
import { MessageFeedService } from './message-feed.service';
import { DEFAULT_INGEST_COALESCING, INGEST_COALESCING } from './message-ingest-coalescer';
import { MessageIngestService } from './message-ingest.service';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';

/**
 * Message ingestion (transactional fan-out, idempotency, batches) and the events feed.
 * Exports MessageIngestService for in-process producers (operational events).
 */
@Module({
  imports: [AppsModule, EventTypesModule, RoutingModule],
  controllers: [MessagesController],
  providers: [
    MessageIngestService,
    MessageFeedService,
    MessagesRepository,
    AppIdResolver,
    EventTypeCatalogCache,
    DeliveryWaker,
    { provide: INGEST_COALESCING, useValue: DEFAULT_INGEST_COALESCING },
  ],
  exports: [MessageIngestService],
})
export class MessagesModule {}
