import { Module } from '@nestjs/common';
import { AppsController } from './apps.controller';
import { AppsCoreModule } from './apps-core.module';

/** The apps routes (API role). */
@Module({
  imports: [AppsCoreModule],
  controllers: [AppsController],
  exports: [AppsCoreModule],
})
export class AppsModule {}
