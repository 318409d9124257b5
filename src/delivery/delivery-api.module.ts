import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { EventTypesCoreModule } from '../event-types/event-types-core.module';
import { MessageIngestModule } from '../messages/message-ingest.module';
import { QueueModule } from '../queue/queue.module';
import { DeliveriesController } from './api/deliveries.controller';
import { DeliveriesRepository } from './api/deliveries.repository';
import { DeliveriesService } from './api/deliveries.service';
import { EndpointReplayService } from './api/endpoint-replay.service';
import { EndpointTestService } from './api/endpoint-test.service';
import { EndpointToolsController } from './api/endpoint-tools.controller';

/**
 * Routes over deliveries and attempts: list, retry, recover, test events and replay
 * (ROLE=api|all; never imports the worker: test events are sent by the workers).
 */
@Module({
  imports: [AppsModule, EndpointsModule, EventTypesCoreModule, MessageIngestModule, QueueModule],
  controllers: [DeliveriesController, EndpointToolsController],
  providers: [DeliveriesService, DeliveriesRepository, EndpointTestService, EndpointReplayService],
})
export class DeliveryApiModule {}
