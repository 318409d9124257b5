import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Server } from 'node:http';
import { BadRequestError, ValidationError } from '../errors/domain-error';
import { findUnstorableValue, jsonDepthExceeds, MAX_JSON_DEPTH } from './json-input-rules';

/**
 * Fastify route config for routes that read `@JsonBodyText()`:
 * `@RouteConfig(KEEP_JSON_BODY_TEXT)` next to the route decorator.
 */
export const KEEP_JSON_BODY_TEXT = { keepJsonBodyText: true } as const;

/**
 * Message payloads are stored as the text sent, so they keep whatever JSON allows (a `\u0000`
 * escape is six ASCII characters there); every other value lands in a PostgreSQL column.
 */
const STORED_AS_TEXT = /^(messages\[\d+\]\.)?payload$/;

/** Refuses bytes that are not UTF-8: the bytes we sign must be the bytes we got. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
    let text: string;
    try {
      text = strictUtf8.decode(body);
    } catch {
      done(new BadRequestError('request body is not valid UTF-8', undefined, 'malformed_json'));
      return;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (jsonDepthExceeds(text)) {
      done(tooDeep());
      return;
    }
    const config = request.routeOptions.config as { keepJsonBodyText?: boolean } | undefined;
    const keepText = config?.keepJsonBodyText === true;
    if (keepText) bodyTexts.set(request, text);
    parseJson(request, text, (err, value) => {
      if (err) return done(err);
      const problem = findUnstorableValue(
        value,
        keepText ? (f) => STORED_AS_TEXT.test(f) : undefined,
      );
      if (problem) return done(new ValidationError(problem.message, [problem]));
      done(null, value);
    });
  });
}

function tooDeep(): ValidationError {
  const message = `body must not nest objects and arrays deeper than ${MAX_JSON_DEPTH} levels`;
  return new ValidationError(message, [{ field: 'body', message }], 'too_deep');
}

/** The request body's JSON text (routes with KEEP_JSON_BODY_TEXT); undefined without a body. */
export const JsonBodyText = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    bodyTexts.get(context.switchToHttp().getRequest<FastifyRequest>()),
);
