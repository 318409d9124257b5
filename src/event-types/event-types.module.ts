import { Module } from '@nestjs/common';
import { EventTypesController } from './event-types.controller';
import { EventTypesCoreModule } from './event-types-core.module';

/** The event type routes (API role). */
@Module({
  imports: [EventTypesCoreModule],
  controllers: [EventTypesController],
  exports: [EventTypesCoreModule],
})
export class EventTypesModule {}
