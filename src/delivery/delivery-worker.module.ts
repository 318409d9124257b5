import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EgressModule } from '../egress/egress.module';
import { DeliveryHooksModule } from './hooks/delivery-hooks.module';
import { DELIVERY_EGRESS, SingleAgentEgress } from './sending/delivery-egress';
import { DeliverySender } from './sending/delivery-sender';
import { AttemptRecorder } from './worker/attempt-recorder';
import { DeliveryQueueRepository } from './worker/delivery-queue.repository';
import { DeliveryWakeup } from './worker/delivery-wakeup';
import { DeliveryWorker } from './worker/delivery-worker';
import { DisabledEndpointsGate } from './worker/disabled-endpoints.gate';
import { EndpointConfigCache } from './worker/endpoint-config.cache';
import { EndpointConfigRepository } from './worker/endpoint-config.repository';

/** The delivery worker: claim, send, record (ROLE=worker|all). */
@Module({
  imports: [EgressModule, DeliveryHooksModule],
  providers: [
    {
      // TODO(egress): bind to OutboundDispatchers once EgressModule exports it:
      //   { provide: DELIVERY_EGRESS, useExisting: OutboundDispatchers }
      provide: DELIVERY_EGRESS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SingleAgentEgress(config.DELIVERY_ALLOW_PRIVATE_NETWORKS, config.DELIVERY_TIMEOUT_MS),
    },
    DeliverySender,
    DeliveryQueueRepository,
    EndpointConfigRepository,
    EndpointConfigCache,
    AttemptRecorder,
    DisabledEndpointsGate,
    DeliveryWorker,
    DeliveryWakeup,
  ],
  exports: [DeliveryWorker],
})
export class DeliveryWorkerModule {}
