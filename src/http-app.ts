import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AppModule, AppModuleOptions } from './app.module';
import { SECURITY_SCHEMES } from './common/auth/access.decorators';
import {
  CAPABILITIES,
  CAPABILITY_DOCS,
  PORTAL_DEFAULT_CAPABILITIES,
} from './common/auth/capabilities';
import { serializeReply } from './common/raw-json';
import { useJsonBodyParser } from './common/validation/json-body-text';
import { createValidationPipe } from './common/validation/validation.pipe';
import { PRODUCT_NAME, PRODUCT_VERSION } from './common/product';
import { traceIdOf } from './common/request-trace';
import { CONSOLE_CSP, portalCsp } from './console/console-assets';
import { registerConsoleRoutes } from './console/console-routes';
import { traceIngestRequests } from './tracing/ingest-request-tracing';
import { TRACING, type Tracing } from './tracing/tracing';

export interface HttpAppOptions extends AppModuleOptions {
  logger: LoggerService | false;
  /** The built browser apps (`<webDir>/console`, `<webDir>/portal`); default: dist/public below the cwd. */
  webDir?: string;
}

/**
 * Builds the Nest application exactly as production runs it; main.ts and the e2e tests
 * both call this, so tests exercise the real pipes, filters, guards and body limits.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.config.MAX_REQUEST_BYTES,
    requestIdHeader: 'x-request-id',
    // request.ip: the client named by X-Forwarded-For, but only behind these proxies.
    trustProxy: trustProxyOption(options.config.TRUST_PROXY),
    genReqId: () => randomUUID(),
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(options),
    adapter,
    {
      logger: options.logger,
      abortOnError: false,
    },
  );
  app.useGlobalPipes(createValidationPipe());
  useJsonBodyParser(app);
  const fastify = app.getHttpAdapter().getInstance();
  traceIngestRequests(fastify, app.get<Tracing>(TRACING));
  fastify.setReplySerializer(serializeReply);
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Off by default: one line per ingest request costs throughput. The route pattern, never the
  // raw URL, so neither ids nor query strings reach the log.
  const requestLog = options.config.HTTP_LOG_REQUESTS ? options.logger : false;
  if (requestLog) {
    fastify.addHook('onResponse', async (request, reply) => {
      const line = {
        requestId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? '(unmatched)',
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        traceId: traceIdOf(request),
      };
      requestLog.log(line, 'request completed', 'HttpRequest');
    });
  }
  // The API speaks JSON only; Nest would otherwise also parse form bodies.
  fastify.addHook('onRequest', async (request, reply) => {
    const type = request.headers['content-type'];
    if (
      type !== undefined &&
      !/^application\/json\b/i.test(type) &&
      request.headers['content-length'] !== '0'
    ) {
      await reply.status(415).send({
        statusCode: 415,
        code: 'unsupported_media_type',
        message: 'content-type must be application/json',
      });
    }
  });
  if (options.config.ROLE !== 'worker') {
    setUpOpenApi(app);
    const webDir = options.webDir ?? join(process.cwd(), 'dist', 'public');
    registerConsoleRoutes(
      fastify,
      { mount: '/console', dir: join(webDir, 'console'), csp: CONSOLE_CSP, denyFraming: true },
      options.logger,
    );
    // The portal may be framed only by PORTAL_FRAME_ANCESTORS (X-Frame-Options cannot name
    // other origins, so it is not sent); no-referrer keeps the token out of any Referer.
    registerConsoleRoutes(
      fastify,
      {
        mount: '/portal',
        dir: join(webDir, 'portal'),
        csp: portalCsp(options.config.PORTAL_FRAME_ANCESTORS),
        denyFraming: false,
      },
      options.logger,
    );
  }
  return app;
}

/** A hop count becomes proxy-addr's trust function: the nearest `hops` addresses are proxies. */
function trustProxyOption(
  value: false | number | string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_address, hop) => hop < value : value;
}

function setUpOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`${PRODUCT_NAME} API`)
      .setDescription(
        'Self-hosted outbound webhooks: apps (tenants), endpoints, event types, subscriptions, messages, deliveries and attempts. ' +
          'Every /api/v1 route but GET /api/v1/outbound-ips needs `Authorization: Bearer <credential>`: an admin key (everything), ' +
          'an app API key or a customer portal token (one app, the capabilities it holds; `x-required-capability` on each route names the one it needs). ' +
          "Another app's resources answer 404; a missing capability or an admin-only route 403.",
      )
      .setVersion(PRODUCT_VERSION)
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description: 'An admin key (ADMIN_API_KEYS): every route.',
        },
        SECURITY_SCHEMES.admin,
      )
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description:
            'An app API key (`hk_…`, POST /api/v1/apps/{appId}/api-keys): its app only, with the capabilities it was created with.',
        },
        SECURITY_SCHEMES.appKey,
      )
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `A portal session token (POST /api/v1/apps/{appId}/portal-sessions): its app (and listed endpoints) only, with its capabilities; default ${PORTAL_DEFAULT_CAPABILITIES.join(', ')}. Capabilities: ${CAPABILITIES.map((c) => `\`${c}\` ${CAPABILITY_DOCS[c]}`).join('; ')}.`,
        },
        SECURITY_SCHEMES.portal,
      )
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
