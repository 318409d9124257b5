import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import {
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiResponseOptions,
  DECORATORS,
} from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'validation_failed' }) code!: string;
  @ApiProperty({ example: 'name must be a string' }) message!: string;
  @ApiPropertyOptional({ description: 'Per-field problems, when there are several.' })
  details?: unknown;
  @ApiPropertyOptional({ description: 'On 500 only: quote it when reporting the problem.' })
  errorId?: string;
}

const error = (status: number, description: string): ApiResponseOptions => ({
  status,
  description,
  type: ErrorResponseDto,
});

/** What any authenticated route can answer. */
const EVERY_ROUTE: readonly ApiResponseOptions[] = [
  error(400, 'Malformed request (bad JSON, bad cursor)'),
  error(401, 'Missing, invalid, expired or revoked credential (with `WWW-Authenticate: Bearer`)'),
  error(
    403,
    'An app API key or portal token that may not do this: `capability_missing`, `admin_only`, `endpoint_limited` (a session limited to some endpoints, on an app-wide route), `portal_session_only`',
  ),
  error(404, 'Not found'),
  error(422, 'Invalid input; `details` names each field'),
  error(500, 'Unexpected error; `errorId` is also in the log line'),
  error(503, 'The database is unavailable (down, restarting, out of connections); retry later'),
];

/** What only a route that takes a body can answer (POST, PUT, PATCH). */
const BODY_ROUTE: readonly ApiResponseOptions[] = [
  error(
    409,
    'Conflicts with the current state: a taken `uid` or event type name, a delivery that cannot be retried now, a disabled endpoint',
  ),
  error(413, 'Request body over MAX_REQUEST_BYTES (or a payload over MAX_PAYLOAD_BYTES)'),
  error(415, 'Body that is not `application/json`'),
];

const BODY_METHODS: ReadonlySet<RequestMethod> = new Set([
  RequestMethod.POST,
  RequestMethod.PUT,
  RequestMethod.PATCH,
]);

/**
 * The error answers of authenticated routes, for the OpenAPI document: the ones every route
 * can give on the controller, plus, on each route that takes a body (Nest's route decorators
 * have run by the time a class decorator does), the ones only a body can cause. A response a
 * route documents itself (e.g. a more precise 413) is left as it is.
 */
export const ApiErrors =
  (): ClassDecorator & MethodDecorator =>
  (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor !== undefined) {
      documentRoute(descriptor.value as object, EVERY_ROUTE);
      return;
    }
    const controller = target as abstract new (...args: never[]) => unknown;
    for (const response of EVERY_ROUTE) ApiResponse({ ...response })(controller);
    const prototype = controller.prototype as object;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method !== undefined && BODY_METHODS.has(method)) documentRoute(handler, BODY_ROUTE);
    }
  };

function documentRoute(handler: object, responses: readonly ApiResponseOptions[]): void {
  const documented = (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) ?? {}) as object;
  for (const response of responses) {
    if (String(response.status) in documented) continue;
    ApiResponse({ ...response })(handler, 'route', { value: handler });
  }
}
