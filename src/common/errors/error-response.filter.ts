import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { clientDataErrorState } from '../database-errors';
import { traceIdOf } from '../request-trace';
import { isDatabaseUnavailable } from './database-unavailable';
import { DomainError } from './domain-error';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
  errorId?: string;
}

const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    message: 'request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'content-type must be application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'malformed_json',
    message: 'request body is empty but content-type is application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'malformed_json',
    message: 'request body is not valid JSON',
  },
};

function statusCode(code: number): string {
  const names: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    422: 'validation_failed',
    429: 'rate_limited',
  };
  return names[code] ?? 'error';
}

/**
 * The one place errors become HTTP answers. 4xx answers name the problem; anything
 * unexpected is logged with an error id and answered as a 500 carrying only that id.
 */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger(ErrorResponseFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest | undefined>();
    const body = this.toBody(exception, request?.id, request && traceIdOf(request));
    // RFC 6750: a 401 names the scheme that would have been accepted.
    if (body.statusCode === 401) void reply.header('www-authenticate', 'Bearer');
    void reply.status(body.statusCode).header('content-type', 'application/json').send(body);
  }

  /**
   * `requestId` (and the request's `traceId` when it is traced) go into the log line of a 500,
   * beside the error id the client is given.
   */
  toBody(exception: unknown, requestId?: string, traceId?: string): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        code: exception.code,
        message: exception.message,
        details: exception.details,
      };
    }
    const fastifyCode = ((exception as { cause?: { code?: unknown } })?.cause?.code ??
      (exception as { code?: unknown })?.code) as unknown;
    if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
      const known = FASTIFY_CODES[fastifyCode];
      return { statusCode: known.status, code: known.code, message: known.message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      if (typeof res === 'object' && res !== null && 'code' in res)
        return { statusCode: status, ...(res as Omit<ErrorBody, 'statusCode'>) };
      const message =
        typeof res === 'string'
          ? res
          : ((res as { message?: unknown }).message ?? exception.message);
      return {
        statusCode: status,
        code: statusCode(status),
        message: Array.isArray(message) ? message.join('; ') : String(message),
      };
    }
    const status = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return {
        statusCode: status,
        code: statusCode(status),
        message: String((exception as Error).message),
      };
    }
    const sqlState = clientDataErrorState(exception);
    if (sqlState !== null) {
      // The last line of defence: the request carried a value the database cannot store.
      this.logger.warn({ requestId, sqlState }, 'request value refused by the database');
      return {
        statusCode: 422,
        code: 'invalid_value',
        message: `a value in the request cannot be stored (SQLSTATE ${sqlState})`,
      };
    }
    const errorId = randomUUID();
    if (isDatabaseUnavailable(exception)) {
      // Not a bug: the database is down, restarting or out of connections. 503: retry later.
      const err = exception as Error;
      this.logger.error(
        { errorId, requestId, traceId, err: { name: err.name, message: err.message } },
        'database unavailable',
      );
      return {
        statusCode: 503,
        code: 'database_unavailable',
        message: `the database is unavailable; retry later (error id ${errorId})`,
        errorId,
      };
    }
    this.logger.error(
      {
        errorId,
        requestId,
        traceId,
        err:
          exception instanceof Error
            ? { name: exception.name, message: exception.message, stack: exception.stack }
            : String(exception),
      },
      'unhandled error',
    );
    return {
      statusCode: 500,
      code: 'internal_error',
      message: `internal error; quote error id ${errorId} when reporting it`,
      errorId,
    };
  }
}
