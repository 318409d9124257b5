import { Injectable } from '@nestjs/common';

/**
 * Asked before every claim which endpoints must not be claimed now (rate-limited, circuit
 * open …; disabled endpoints need none: their deliveries are parked, out of the due range).
 * Must answer synchronously and cheaply: it runs on the hot path. Gates that
 * need the database refresh themselves in `refresh`, which the worker calls on every sweep
 * and when routing changes.
 */
export interface EndpointGate {
  excludedEndpointIds(now: Date): Iterable<string>;
  refresh?(now: Date): Promise<void>;
}

/** The composable list of gates; features register theirs in onModuleInit. */
@Injectable()
export class EndpointGates {
  private readonly gates: EndpointGate[] = [];

  register(gate: EndpointGate): void {
    this.gates.push(gate);
  }

  excludedEndpointIds(now: Date, into: Set<string>): Set<string> {
    for (const gate of this.gates) for (const id of gate.excludedEndpointIds(now)) into.add(id);
    return into;
  }

  async refresh(now: Date): Promise<void> {
    await Promise.all(this.gates.map((gate) => gate.refresh?.(now)));
  }
}
