import { Module } from '@nestjs/common';
import { ClientRateLimitGuard } from './allowlist/client-rate-limit.guard';
import { OutboundIpsController } from './allowlist/outbound-ips.controller';
import { OutboundIpsRepository } from './allowlist/outbound-ips.repository';
import { OutboundIpsService } from './allowlist/outbound-ips.service';

/**
 * The public outbound-IP allowlist route (API role). Its service also refuses to start when
 * a bind address is missing from OUTBOUND_IPS, so an API-only process catches that too.
 */
@Module({
  controllers: [OutboundIpsController],
  providers: [OutboundIpsService, OutboundIpsRepository, ClientRateLimitGuard],
})
export class OutboundIpsModule {}
