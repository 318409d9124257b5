import { ArgumentsHost, Logger } from '@nestjs/common';
import { JsonLogger } from '../logging/json-logger';
import { DomainError } from './domain-error';
import { ErrorBody, ErrorResponseFilter } from './error-response.filter';

/** What the filter did to the reply: enough of Fastify's reply for the filter to use. */
class RecordedReply {
  statusCode = 200;
  readonly headers: Record<string, string> = {};
  body: ErrorBody | undefined;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }
  send(body: ErrorBody): this {
    this.body = body;
    return this;
  }
}

function hostFor(requestId: string, reply: RecordedReply): ArgumentsHost {
  const http = { getRequest: () => ({ id: requestId }), getResponse: () => reply };
  return { switchToHttp: () => http } as unknown as ArgumentsHost;
}

describe('ErrorResponseFilter', () => {
  let written: string[];
  const logLines = (): Array<Record<string, unknown>> =>
    written.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeEach(() => {
    written = [];
    Logger.overrideLogger(
      new JsonLogger('info', { write: (chunk: string) => void written.push(chunk) }),
    );
  });

  describe('an unhandled error', () => {
    it('answers 500 with an error id and no detail of the error', () => {
      const reply = new RecordedReply();

      new ErrorResponseFilter().catch(new Error('db password is hunter2'), hostFor('r-1', reply));

      expect(reply.statusCode).toBe(500);
      expect(reply.body).toEqual({
        statusCode: 500,
        code: 'internal_error',
        message: expect.stringContaining(reply.body?.errorId ?? '(no error id)'),
        errorId: expect.any(String),
      });
      expect(JSON.stringify(reply.body)).not.toContain('hunter2');
    });

    it('logs the error id next to the id of the request that failed', () => {
      const reply = new RecordedReply();

      new ErrorResponseFilter().catch(new Error('boom'), hostFor('req-42', reply));

      expect(logLines()).toContainEqual(
        expect.objectContaining({
          level: 'error',
          context: 'ErrorResponseFilter',
          errorId: reply.body?.errorId,
          requestId: 'req-42',
        }),
      );
    });
  });

  describe('a 401', () => {
    it('names the Bearer scheme in WWW-Authenticate', () => {
      const reply = new RecordedReply();

      new ErrorResponseFilter().catch(
        new DomainError(401, 'unauthorized', 'invalid API key'),
        hostFor('r-2', reply),
      );

      expect({ status: reply.statusCode, challenge: reply.headers['www-authenticate'] }).toEqual({
        status: 401,
        challenge: 'Bearer',
      });
    });
  });

  it('sends no WWW-Authenticate with other errors', () => {
    const reply = new RecordedReply();

    new ErrorResponseFilter().catch(
      new DomainError(404, 'not_found', 'app "x" not found'),
      hostFor('r-3', reply),
    );

    expect(reply.headers['www-authenticate']).toBeUndefined();
  });
});
