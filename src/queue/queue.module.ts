import { Module } from '@nestjs/common';
import { DeliveryQueueRepository } from './delivery-queue.repository';

/**
 * The delivery queue: the only module whose repositories name the `delivery` and `attempt`
 * tables. No controllers; features and the worker call its repositories.
 */
@Module({
  providers: [DeliveryQueueRepository],
  exports: [DeliveryQueueRepository],
})
export class QueueModule {}
