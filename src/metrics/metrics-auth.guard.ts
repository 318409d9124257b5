import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AcceptedKeys, bearerToken } from '../common/auth/constant-time';
import { DomainError } from '../common/errors/domain-error';
import { RUNTIME_KEYS, type RuntimeKeys } from '../common/runtime-keys';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/**
 * `/metrics` takes METRICS_TOKEN (so a scraper need not hold an admin key) or any admin key,
 * compared in constant time. The route is @Public() for the global admin guard; this one
 * replaces it there.
 */
@Injectable()
export class MetricsAuthGuard implements CanActivate {
  private readonly accepted: AcceptedKeys;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(RUNTIME_KEYS) keys: RuntimeKeys) {
    this.accepted = new AcceptedKeys(
      config.METRICS_TOKEN === undefined
        ? keys.adminApiKeys
        : [config.METRICS_TOKEN, ...keys.adminApiKeys],
    );
  }

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(
      context.switchToHttp().getRequest<FastifyRequest>().headers.authorization,
    );
    if (token === undefined) {
      throw new DomainError(
        401,
        'unauthorized',
        'missing "Authorization: Bearer <metrics token or api key>" header',
      );
    }
    if (!this.accepted.matches(token))
      throw new DomainError(401, 'unauthorized', 'invalid metrics token');
    return true;
  }
}
