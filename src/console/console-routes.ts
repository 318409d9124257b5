import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleAssets } from './console-assets';

/** One built browser app and where it is served. */
export interface BrowserAppMount {
  /** The URL path it is served at, e.g. `/console` or `/portal`. */
  mount: string;
  /** Its `vite build` output. */
  dir: string;
  /** Its Content-Security-Policy (frame-ancestors included). */
  csp: string;
  /** Also send `X-Frame-Options: DENY` (only for apps that are never framed). */
  denyFraming: boolean;
}

/**
 * Serves a built browser app (the operator console at /console, the customer portal at
 * /portal) with SPA fallback to index.html, in every role that serves the API. Registered
 * straight on Fastify: static files need none of Nest's guards or pipes, and the apps only
 * call the API with the credential they hold.
 */
export function registerConsoleRoutes(
  fastify: FastifyInstance,
  app: BrowserAppMount,
  logger: LoggerService | false,
): void {
  const assets = ConsoleAssets.load(app.dir);
  if (!assets && logger)
    logger.warn(`${app.mount} not built (${app.dir} is missing): it answers 404`, 'Console');
  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const params = request.params as { '*'?: string };
    const asset = assets?.resolve(params['*'] ?? '');
    void reply
      .header('content-security-policy', app.csp)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    if (app.denyFraming) void reply.header('x-frame-options', 'DENY');
    if (!asset) {
      await reply.status(404).type('text/plain; charset=utf-8').send('not found');
      return;
    }
    await reply
      .header('cache-control', asset.cacheControl)
      .type(asset.contentType)
      .send(asset.body);
  };
  fastify.get(app.mount, async (_request, reply) => reply.redirect(`${app.mount}/`, 308));
  fastify.get(`${app.mount}/*`, serve);
}
