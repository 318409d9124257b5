import { Module } from '@nestjs/common';
import { MessageIngestModule } from '../messages/message-ingest.module';
import { QueueModule } from '../queue/queue.module';
import { CircuitBreaker } from './circuit/circuit-breaker';
import { EndpointHealthObserver } from './endpoint-health.observer';
import { EndpointHealthRepository } from './endpoint-health.repository';
import { OperationalEvents } from './operational-events';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RateLimitRepository } from './rate-limit/rate-limit.repository';

/**
 * Endpoint health for the delivery worker: per-endpoint rate limits, the circuit breaker,
 * auto-disable and operational events. Plugs into the worker's hooks (gates, send permits,
 * outcome observers); all shared state is in the endpoint rows.
 */
@Module({
  imports: [MessageIngestModule, QueueModule],
  providers: [
    EndpointHealthRepository,
    RateLimitRepository,
    RateLimiter,
    CircuitBreaker,
    OperationalEvents,
    EndpointHealthObserver,
  ],
})
export class EndpointHealthModule {}
