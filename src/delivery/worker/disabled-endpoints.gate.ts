import { Injectable, OnModuleInit } from '@nestjs/common';
import { EndpointGates, type EndpointGate } from '../hooks/endpoint-gate';
import { EndpointConfigRepository } from './endpoint-config.repository';

/**
 * Disabled endpoints keep their deliveries 'pending' (re-enabling resumes them); the worker
 * just does not claim them. The set is small and refreshed on every sweep and routing change.
 */
@Injectable()
export class DisabledEndpointsGate implements EndpointGate, OnModuleInit {
  private disabled: string[] = [];

  constructor(
    private readonly endpoints: EndpointConfigRepository,
    private readonly gates: EndpointGates,
  ) {}

  onModuleInit(): void {
    this.gates.register(this);
  }

  excludedEndpointIds(): Iterable<string> {
    return this.disabled;
  }

  async refresh(): Promise<void> {
    this.disabled = await this.endpoints.disabledIds();
  }
}
