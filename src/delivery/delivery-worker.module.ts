import { Module } from '@nestjs/common';
import { EgressModule } from '../egress/egress.module';
import { OutboundDispatchers } from '../egress/outbound-dispatchers';
import { QueueModule } from '../queue/queue.module';
import { DeliveryHooksModule } from './hooks/delivery-hooks.module';
import { DELIVERY_EGRESS } from './sending/delivery-egress';
import { DeliverySender } from './sending/delivery-sender';
import { AttemptRecorder } from './worker/attempt-recorder';
import { DeliveryClaimer } from './worker/delivery-claimer';
import { DeliveryHandback } from './worker/delivery-handback';
import { DeliveryWakeup } from './worker/delivery-wakeup';
import { DeliveryWorker } from './worker/delivery-worker';
import { EndpointConfigCache } from './worker/endpoint-config.cache';
import { EndpointConfigRepository } from './worker/endpoint-config.repository';

/**
 * The delivery worker: claim (DeliveryClaimer), send, record (AttemptRecorder) (ROLE=worker|all).
 * Endpoint health and the stats recorder plug into its hooks (delivery/hooks); they are
 * composed next to it in AppModule, so delivery never imports them.
 */
@Module({
  imports: [QueueModule, EgressModule, DeliveryHooksModule],
  providers: [
    { provide: DELIVERY_EGRESS, useExisting: OutboundDispatchers },
    DeliverySender,
    EndpointConfigRepository,
    EndpointConfigCache,
    AttemptRecorder,
    DeliveryHandback,
    DeliveryClaimer,
    DeliveryWorker,
    DeliveryWakeup,
  ],
  exports: [DeliveryWorker],
})
export class DeliveryWorkerModule {}
