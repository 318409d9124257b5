import { Module } from '@nestjs/common';

/** Outbound IP allowlist route (filled in by its issue). */
@Module({})
export class EgressModule {}
