import { DynamicModule, Global, Module } from '@nestjs/common';
import { CLOCK, type Clock } from './clock';
import { SECRET_BOX, SecretBox } from './crypto/secret-box';
import { RUNTIME_KEYS, type RuntimeKeys } from './runtime-keys';
import { WorkerHeartbeat } from './worker-heartbeat';

/** Process-wide singletons every feature may inject: the clock, the keys, the secret box, the worker heartbeat. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(keys: RuntimeKeys, clock: Clock): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: RUNTIME_KEYS, useValue: keys },
        { provide: SECRET_BOX, useValue: new SecretBox(keys.encryptionKey) },
        WorkerHeartbeat,
      ],
      exports: [CLOCK, RUNTIME_KEYS, SECRET_BOX, WorkerHeartbeat],
    };
  }
}
