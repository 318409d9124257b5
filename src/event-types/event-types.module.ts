import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventTypeEntity } from './event-type.entity';
import { EventTypesController } from './event-types.controller';
import { EventTypesRepository } from './event-types.repository';
import { EventTypesService } from './event-types.service';
import { JsonSchemaChecker } from './json-schema-checker';

@Module({
  imports: [TypeOrmModule.forFeature([EventTypeEntity])],
  controllers: [EventTypesController],
  providers: [EventTypesService, EventTypesRepository, JsonSchemaChecker],
  exports: [EventTypesRepository, JsonSchemaChecker],
})
export class EventTypesModule {}
