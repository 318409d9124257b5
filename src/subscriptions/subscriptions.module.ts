import { Module } from '@nestjs/common';

/** Subscriptions and the matching test route (filled in by its issue). */
@Module({})
export class SubscriptionsModule {}
