import { Module } from '@nestjs/common';

/** Message ingestion and the events feed (filled in by its issue). */
@Module({})
export class MessagesModule {}
