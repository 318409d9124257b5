import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Server } from 'node:http';

/**
 * Fastify route config for routes that read `@JsonBodyText()`:
 * `@RouteConfig(KEEP_JSON_BODY_TEXT)` next to the route decorator.
 */
export const KEEP_JSON_BODY_TEXT = { keepJsonBodyText: true } as const;

/** Body texts of the requests of opted-in routes; dropped with their request. */
const bodyTexts = new WeakMap<object, string>();

/**
 * The JSON body parser of the application: the same parser Nest installs by default
 * (Fastify's secure JSON.parse, `__proto__`/`constructor` poisoning refused, the same body
 * limit), which also keeps the body text of the routes configured with KEEP_JSON_BODY_TEXT:
 * ingestion stores each payload's text as sent, not a re-serialization that rounds numbers.
 * Other routes pay nothing but a config lookup; the text is decoded once either way.
 */
export function useJsonBodyParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  );
  app.useBodyParser<Server>('application/json', { bodyLimit }, (request, body, done) => {
    let text = body.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const config = request.routeOptions.config as { keepJsonBodyText?: boolean } | undefined;
    if (config?.keepJsonBodyText === true) bodyTexts.set(request, text);
    parseJson(request, text, done);
  });
}

/** The request body's JSON text (routes with KEEP_JSON_BODY_TEXT); undefined without a body. */
export const JsonBodyText = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    bodyTexts.get(context.switchToHttp().getRequest<FastifyRequest>()),
);
