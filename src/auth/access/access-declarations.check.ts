import { Injectable, OnModuleInit } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../../common/auth/public.decorator';
import { ACCESS_RULE } from '../../common/auth/access-rule';

/**
 * Start-up fails when a route declares no access rule (@RequiresCapability, @AdminOnly,
 * @PortalSessionOnly or @Public): a forgotten declaration must not become an open route or
 * an admin-only one by accident.
 */
@Injectable()
export class AccessDeclarationsCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const undeclared = undeclaredRoutes(this.discovery, this.scanner, this.reflector);
    if (undeclared.length > 0)
      throw new Error(
        `routes without an access declaration (add @RequiresCapability, @AdminOnly, @PortalSessionOnly or @Public): ${undeclared.join(', ')}`,
      );
  }
}

export function undeclaredRoutes(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): string[] {
  const undeclared: string[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
    if (controller === null || wrapper.instance === undefined) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const targets = [handler, controller];
      const declared =
        reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true ||
        reflector.getAllAndOverride<unknown>(ACCESS_RULE, targets) !== undefined;
      if (!declared) undeclared.push(`${controller.name}.${name}`);
    }
  }
  return undeclared;
}
