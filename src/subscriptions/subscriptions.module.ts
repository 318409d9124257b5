import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { RoutingModule } from '../routing/routing.module';
import { RoutingTestController } from './routing-test.controller';
import { RoutingTestService } from './routing-test.service';
import { SubscriptionEntity } from '../subscription-model/subscription.entity';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';

/** Subscriptions (which event types and payloads reach an endpoint) and the routing test route. */
@Module({
  imports: [
    TypeOrmModule.forFeature([SubscriptionEntity]),
    AppsModule,
    EndpointsModule,
    RoutingModule,
  ],
  controllers: [SubscriptionsController, RoutingTestController],
  providers: [SubscriptionsService, SubscriptionsRepository, RoutingTestService],
  exports: [RoutingModule],
})
export class SubscriptionsModule {}
