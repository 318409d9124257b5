import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { RUNTIME_KEYS, type RuntimeKeys } from '../runtime-keys';
import { DomainError } from '../errors/domain-error';
import { AcceptedKeys, bearerToken } from './constant-time';
import { IS_PUBLIC } from './public.decorator';

/** Every route needs `Authorization: Bearer <admin key>` unless marked @Public(). */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly accepted: AcceptedKeys;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RUNTIME_KEYS) keys: RuntimeKeys,
  ) {
    this.accepted = new AcceptedKeys(keys.adminApiKeys);
  }

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw new DomainError(
        401,
        'unauthorized',
        'missing "Authorization: Bearer <api key>" header',
      );
    }
    if (!this.accepted.matches(token)) {
      throw new DomainError(401, 'unauthorized', 'invalid API key');
    }
    return true;
  }
}
