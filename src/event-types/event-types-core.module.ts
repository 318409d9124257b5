import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventTypeEntity } from './event-type.entity';
import { EventTypesRepository } from './event-types.repository';
import { EventTypesService } from './event-types.service';
import { JsonSchemaChecker } from './json-schema-checker';

/** The event type catalog without its routes (see AppsCoreModule for why). */
@Module({
  imports: [TypeOrmModule.forFeature([EventTypeEntity])],
  providers: [EventTypesService, EventTypesRepository, JsonSchemaChecker],
  exports: [EventTypesService, EventTypesRepository, JsonSchemaChecker],
})
export class EventTypesCoreModule {}
