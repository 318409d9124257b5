import { Module } from '@nestjs/common';

/** The delivery worker: claim, send, record (filled in by its issue). */
@Module({})
export class DeliveryWorkerModule {}
