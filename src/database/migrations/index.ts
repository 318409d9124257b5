import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { DropAttemptCreatedIndex1763900000000 } from './1763900000000-drop-attempt-created-index';
import { DropDeliveryMessageFk1764000000000 } from './1764000000000-drop-delivery-message-fk';
import { DeliveryRetryWindow1764100000000 } from './1764100000000-delivery-retry-window';
import { OutboundIpsState1764200000000 } from './1764200000000-outbound-ips-state';
import { ReceiverCompatibility1764350000000 } from './1764350000000-receiver-compatibility';
import { DropMessageCreatedIndex1764300000000 } from './1764300000000-drop-message-created-index';
import { TraceContext1764301600000 } from './1764301600000-trace-context';
import { EndpointMinuteStats1764400000000 } from './1764400000000-endpoint-minute-stats';
import { ScopedCredentials1764500000000 } from './1764500000000-scoped-credentials';
import { FifoOrdering1764600000000 } from './1764600000000-fifo-ordering';
import { AuthTokenScheme1764700000000 } from './1764700000000-auth-token-scheme';

/** Every migration, in order. New ones are appended here (timestamped names). */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  DropAttemptCreatedIndex1763900000000,
  DropDeliveryMessageFk1764000000000,
  DeliveryRetryWindow1764100000000,
  OutboundIpsState1764200000000,
  DropMessageCreatedIndex1764300000000,
  TraceContext1764301600000,
  ReceiverCompatibility1764350000000,
  EndpointMinuteStats1764400000000,
  ScopedCredentials1764500000000,
  FifoOrdering1764600000000,
  AuthTokenScheme1764700000000,
];
