import { Module } from '@nestjs/common';

/**
 * Outbound connections: undici dispatchers bound to OUTBOUND_BIND_ADDRESSES with the SSRF
 * guard on every connect. Imported by the delivery worker (filled in by the egress issue).
 */
@Module({})
export class EgressModule {}
