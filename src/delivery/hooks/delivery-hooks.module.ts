import { Global, Module } from '@nestjs/common';
import { DeliveryOutcomeObservers } from './delivery-outcome-observer';
import { EndpointGates } from './endpoint-gate';
import { SendPermits } from './send-permit';

/**
 * Extension points of the delivery worker. Global so a feature (rate limit, circuit breaker,
 * auto-disable) registers a gate or an observer without the worker importing it, or it the
 * worker: inject EndpointGates / SendPermits / DeliveryOutcomeObservers and call register() in
 * onModuleInit.
 */
@Global()
@Module({
  providers: [EndpointGates, SendPermits, DeliveryOutcomeObservers],
  exports: [EndpointGates, SendPermits, DeliveryOutcomeObservers],
})
export class DeliveryHooksModule {}
