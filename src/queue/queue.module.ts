import { Module } from '@nestjs/common';
import { AttemptRecordRepository } from './attempt-record.repository';
import { DeliveryQueueRepository } from './delivery-queue.repository';
import { EndpointQueueRepository } from './endpoint-queue.repository';
import { EnqueueRepository } from './enqueue.repository';
import { NotificationHub } from './listen/notification-hub';
import { QueuePool } from './queue-pool';
import { QueueReadsRepository } from './queue-reads.repository';
import { QueueStatsRepository } from './queue-stats.repository';
import { QueuePurgeRepository } from './queue-purge.repository';
import { RequeueRepository } from './requeue.repository';

/**
 * The delivery queue: the only module whose repositories name the `delivery` and `attempt`
 * tables. No controllers; features and the worker call its repositories.
 */
@Module({
  providers: [
    QueuePool,
    DeliveryQueueRepository,
    AttemptRecordRepository,
    EndpointQueueRepository,
    RequeueRepository,
    EnqueueRepository,
    QueueReadsRepository,
    QueueStatsRepository,
    QueuePurgeRepository,
    NotificationHub,
  ],
  exports: [
    DeliveryQueueRepository,
    AttemptRecordRepository,
    EndpointQueueRepository,
    RequeueRepository,
    EnqueueRepository,
    QueueReadsRepository,
    QueueStatsRepository,
    QueuePurgeRepository,
    NotificationHub,
  ],
})
export class QueueModule {}
