import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { DeliveriesController } from './api/deliveries.controller';
import { DeliveriesRepository } from './api/deliveries.repository';
import { DeliveriesService } from './api/deliveries.service';

/** Routes over deliveries and attempts: list, retry, recover (ROLE=api|all; never imports the worker). */
@Module({
  imports: [AppsModule],
  controllers: [DeliveriesController],
  providers: [DeliveriesService, DeliveriesRepository],
})
export class DeliveryApiModule {}
