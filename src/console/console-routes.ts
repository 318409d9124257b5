import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleAssets, CONSOLE_CSP } from './console-assets';

/**
 * Serves the built operator console at /console (SPA fallback to index.html), in every role
 * that serves the API. Registered straight on Fastify: static files need none of Nest's
 * guards or pipes, and the console itself only calls the API with the key the user enters.
 */
export function registerConsoleRoutes(
  fastify: FastifyInstance,
  dir: string,
  logger: LoggerService | false,
): void {
  const assets = ConsoleAssets.load(dir);
  if (!assets && logger)
    logger.warn(`operator console not built (${dir} is missing): /console answers 404`, 'Console');
  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const params = request.params as { '*'?: string };
    const asset = assets?.resolve(params['*'] ?? '');
    void reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY');
    if (!asset) {
      await reply.status(404).type('text/plain; charset=utf-8').send('not found');
      return;
    }
    await reply
      .header('cache-control', asset.cacheControl)
      .type(asset.contentType)
      .send(asset.body);
  };
  fastify.get('/console', async (_request, reply) => reply.redirect('/console/', 308));
  fastify.get('/console/*', serve);
}
