import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { AppRoutingCache } from './app-routing.cache';
import { RoutingListener } from './routing-listener';
import { RoutingRepository } from './routing.repository';

/**
 * The per-app routing table (which endpoints receive which messages). Imported by endpoints and
 * subscriptions (which invalidate it) and by messages (which read it); one instance per process.
 */
@Module({
  imports: [QueueModule],
  providers: [AppRoutingCache, RoutingListener, RoutingRepository],
  exports: [AppRoutingCache],
})
export class RoutingModule {}
