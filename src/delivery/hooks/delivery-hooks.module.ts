import { Global, Module } from '@nestjs/common';
import { DeliveryOutcomeObservers } from './delivery-outcome-observer';
import { EndpointGates } from './endpoint-gate';

/**
 * Extension points of the delivery worker. Global so a feature (rate limit, circuit breaker,
 * auto-disable) registers a gate or an observer without the worker importing it, or it the
 * worker: inject EndpointGates / DeliveryOutcomeObservers and call register() in onModuleInit.
 */
@Global()
@Module({
  providers: [EndpointGates, DeliveryOutcomeObservers],
  exports: [EndpointGates, DeliveryOutcomeObservers],
})
export class DeliveryHooksModule {}
