import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { assertBindAddressesAssignable } from './dispatch/bind-addresses';
import { OutboundDispatchers } from './outbound-dispatchers';

/**
 * Outbound connections: undici dispatchers bound to OUTBOUND_BIND_ADDRESSES with the SSRF
 * guard on every connect. Imported by the delivery worker.
 * The factory fails Nest start-up when a bind address is outside OUTBOUND_IPS or is not
 * assigned to this machine.
 */
@Module({
  providers: [
    {
      provide: OutboundDispatchers,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<OutboundDispatchers> => {
        const dispatchers = new OutboundDispatchers(config);
        await assertBindAddressesAssignable(config.OUTBOUND_BIND_ADDRESSES);
        return dispatchers;
      },
    },
  ],
  exports: [OutboundDispatchers],
})
export class EgressModule {}
