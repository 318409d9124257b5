import { Module } from '@nestjs/common';

/** Routes over deliveries and attempts: list, retry, recover (filled in by its issue). */
@Module({})
export class DeliveryApiModule {}
