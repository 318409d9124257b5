import { Module } from '@nestjs/common';

/** Removal of old messages, deliveries and attempts (filled in by its issue). */
@Module({})
export class RetentionModule {}
