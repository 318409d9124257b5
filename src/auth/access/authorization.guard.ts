import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppsService } from '../../apps/apps.service';
import { bearerToken } from '../../common/auth/constant-time';
import { IS_PUBLIC } from '../../common/auth/public.decorator';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { isId } from '../../common/ids';
import type { Credential } from '../credentials/credential';
import { CredentialResolver } from '../credentials/credential-resolver';
import { decideAccess, RouteTarget } from './access-policy';
import { ACCESS_RULE, AccessRule } from '../../common/auth/access-rule';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by AuthorizationGuard; read with @CurrentCredential() / @EndpointScopeParam(). */
    hookrelayCredential?: Credential;
  }
}

type RouteParams = Record<string, string | undefined>;

/**
 * The one authorisation rule for every route (global guard): read the route's declared
 * AccessRule, resolve the bearer token to a Credential (401 when missing or invalid), then
 * let `decideAccess` answer; a hidden app or endpoint answers the very 404 of one that does
 * not exist. A route with no declaration is refused (start-up already fails
 * for one: AccessDeclarationsCheck).
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialResolver,
    private readonly apps: AppsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, targets);
    if (rule === undefined)
      throw new DomainError(500, 'access_undeclared', 'this route declares no access rule');
    if (rule.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === undefined)
      throw new DomainError(
        401,
        'unauthorized',
        'missing "Authorization: Bearer <api key or portal token>" header',
      );
    const credential = await this.credentials.resolve(token);
    request.hookrelayCredential = credential;

    const params = (request.params ?? {}) as RouteParams;
    const decision = decideAccess(rule, credential, await this.target(credential, params));
    if (decision.allow) return true;
    if (decision.status === 404)
      throw decision.hides === 'app'
        ? new NotFoundError('app', params.appId ?? '')
        : new NotFoundError('endpoint', params.endpointId ?? '');
    throw new DomainError(403, decision.code, decision.reason);
  }

  /** `{appId}` may be a uid: resolved only when it could be the scoped credential's app. */
  private async target(credential: Credential, params: RouteParams): Promise<RouteTarget> {
    const { appId, endpointId } = params;
    if (appId === undefined || credential.kind === 'admin') return { endpointId };
    if (appId === credential.appId || isId('app', appId)) return { appId, endpointId };
    const app = await this.apps.get(appId).catch((err: unknown) => {
      if (err instanceof NotFoundError) return null;
      throw err;
    });
    return { appId: app?.id ?? null, endpointId };
  }
}
