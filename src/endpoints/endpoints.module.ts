import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module';
import { QueueModule } from '../queue/queue.module';
import { RoutingModule } from '../routing/routing.module';
import { SubscriptionEntity } from '../subscription-model/subscription.entity';
import { EndpointEntity } from './endpoint.entity';
import { EndpointPolicy } from './endpoint-policy';
import { EndpointSecretsController } from './endpoint-secrets.controller';
import { EndpointSecretsService } from './endpoint-secrets.service';
import { EndpointsController } from './endpoints.controller';
import { EndpointsRepository } from './endpoints.repository';
import { EndpointsService } from './endpoints.service';

/** Endpoints and their signing secrets (encrypted at rest, rotation with a 24 h overlap). */
@Module({
  imports: [
    TypeOrmModule.forFeature([EndpointEntity, SubscriptionEntity]),
    AppsModule,
    RoutingModule,
    QueueModule,
  ],
  controllers: [EndpointsController, EndpointSecretsController],
  providers: [EndpointsService, EndpointSecretsService, EndpointsRepository, EndpointPolicy],
  exports: [EndpointsService, RoutingModule],
})
export class EndpointsModule {}
