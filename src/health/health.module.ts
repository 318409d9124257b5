import { Module } from '@nestjs/common';

/** Liveness and readiness checks (filled in by its issue). */
@Module({})
export class HealthModule {}
