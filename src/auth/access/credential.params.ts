import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Credential, EndpointScope, endpointScopeOf } from '../credentials/credential';

const credentialOf = (context: ExecutionContext): Credential | undefined =>
  context.switchToHttp().getRequest<FastifyRequest>().hookrelayCredential;

/** The caller's credential (set by AuthorizationGuard). */
export const CurrentCredential = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Credential | undefined => credentialOf(context),
);

/**
 * The endpoints a route declared with `filtersEndpoints` may show: null = all of the app's,
 * else only these (an endpoint-limited portal session).
 */
export const EndpointScopeParam = createParamDecorator(
  (_data: unknown, context: ExecutionContext): EndpointScope =>
    endpointScopeOf(credentialOf(context)),
);
