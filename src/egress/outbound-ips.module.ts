import { Module } from '@nestjs/common';

/** The public outbound-IP allowlist route (filled in by the egress issue). */
@Module({})
export class OutboundIpsModule {}
