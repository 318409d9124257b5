import { Module } from '@nestjs/common';
import { AppsCoreModule } from '../apps/apps-core.module';
import { EventTypesCoreModule } from '../event-types/event-types-core.module';
import { RoutingModule } from '../routing/routing.module';
import { AppIdResolver } from './app-id.resolver';
import { DeliveryWaker } from './delivery-waker';
import { EventTypeCatalogCache } from './event-type-catalog.cache';
import { DEFAULT_INGEST_COALESCING, INGEST_COALESCING } from './message-ingest-coalescer';
import { MessageIngestService } from './message-ingest.service';
import { MessagesRepository } from './messages.repository';

/**
 * Ingestion without routes: transactional fan-out, idempotency, group commit. The messages
 * routes use it, and so do in-process producers such as operational events in the worker.
 */
@Module({
  imports: [AppsCoreModule, EventTypesCoreModule, RoutingModule],
  providers: [
    MessageIngestService,
    MessagesRepository,
    AppIdResolver,
    EventTypeCatalogCache,
    DeliveryWaker,
    { provide: INGEST_COALESCING, useValue: DEFAULT_INGEST_COALESCING },
  ],
  exports: [MessageIngestService, MessagesRepository, DeliveryWaker],
})
export class MessageIngestModule {}
