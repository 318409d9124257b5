import { Module } from '@nestjs/common';

/** Endpoints and their signing secrets (filled in by its issue). */
@Module({})
export class EndpointsModule {}
