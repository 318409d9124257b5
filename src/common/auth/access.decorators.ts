import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { ACCESS_RULE, AccessRule } from './access-rule';
import type { Capability } from './capabilities';

/** The OpenAPI security schemes (declared in http-app.ts). */
export const SECURITY_SCHEMES = {
  admin: 'adminKey',
  appKey: 'appApiKey',
  portal: 'portalToken',
} as const;

const declare = (rule: AccessRule, ...docs: Array<MethodDecorator & ClassDecorator>) =>
  applyDecorators(SetMetadata(ACCESS_RULE, rule), ...docs);

/**
 * Every route declares one of these (or @Public() from common/auth); the app refuses to start
 * when a route declares none. On a controller it applies to all its routes; a method's own
 * declaration wins.
 */

/** An admin key, or an app API key / portal session of the route's app holding `capability`. */
export const RequiresCapability = (
  capability: Capability,
  options: { filtersEndpoints?: boolean } = {},
): MethodDecorator & ClassDecorator =>
  declare(
    { kind: 'capability', capability, filtersEndpoints: options.filtersEndpoints ?? false },
    ApiBearerAuth(SECURITY_SCHEMES.admin),
    ApiSecurity(SECURITY_SCHEMES.appKey),
    ApiSecurity(SECURITY_SCHEMES.portal),
    ApiExtension('x-required-capability', capability),
  );

/** Admin keys only: scoped credentials get 403 (or 404 for another app's `{appId}`). */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  declare({ kind: 'admin' }, ApiBearerAuth(SECURITY_SCHEMES.admin));

/** Portal tokens only (the portal's own routes). */
export const PortalSessionOnly = (): MethodDecorator & ClassDecorator =>
  declare({ kind: 'portal-session' }, ApiSecurity(SECURITY_SCHEMES.portal));
