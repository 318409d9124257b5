import {
  ArgumentMetadata,
  ValidationError as ClassValidatorError,
  ValidationPipe,
} from '@nestjs/common';
import { ValidationError } from '../errors/domain-error';
import { findUnstorableValue, InputProblem } from './json-input-rules';
import { NoBodyDto } from './no-body.dto';

export interface FieldProblem {
  field: string;
  message: string;
}

function flatten(errors: ClassValidatorError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent
      ? /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`
      : error.property;
    const messages = Object.values(error.constraints ?? {});
    if (
      messages.length > 0 &&
      error.value === undefined &&
      error.constraints?.isDefined === undefined
    ) {
      // Absent, not wrong: "name must be shorter than…" for a missing name named the wrong rule.
      out.push({ field, message: `${field} is required` });
    } else {
      for (const message of messages) {
        out.push({ field, message: message.replace(error.property, field) });
      }
    }
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

/**
 * Path and query values get the body's rule (json-body-text.ts): `%00` or a lone surrogate
 * decodes into a string PostgreSQL refuses, which used to answer 500.
 */
function unstorableParameter(value: unknown, metadata: ArgumentMetadata): InputProblem | null {
  if (metadata.type !== 'query' && metadata.type !== 'param') return null;
  if (metadata.data !== undefined) return findUnstorableValue(value, undefined, metadata.data);
  if (typeof value !== 'object' || value === null) return null;
  for (const [name, item] of Object.entries(value)) {
    const problem = findUnstorableValue(item, undefined, name);
    if (problem) return problem;
  }
  return null;
}

/**
 * Nest turns a `null` body into `{}` before validating it, so `PATCH` with `null` answered 200
 * and `rotate` with `null` rotated. A body given to a route that takes one must be an object.
 */
function isNonObjectBody(value: unknown, metadata: ArgumentMetadata): boolean {
  if (metadata.type !== 'body' || metadata.data !== undefined || value === undefined) return false;
  const primitive = [String, Number, Boolean, Object, Array] as unknown[];
  if (metadata.metatype === undefined || primitive.includes(metadata.metatype)) return false;
  return value === null || typeof value !== 'object' || Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class RouteInputPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const problem = unstorableParameter(value, metadata);
    if (problem) throw new ValidationError(problem.message, [problem]);
    if (metadata.type === 'body' && metadata.metatype === NoBodyDto) {
      if (value === undefined || (isPlainObject(value) && Object.keys(value).length === 0))
        return value;
      const field = isPlainObject(value) ? Object.keys(value)[0] : 'body';
      const message = `${field} should not exist: this route takes no body`;
      throw new ValidationError(message, [{ field, message }]);
    }
    if (isNonObjectBody(value, metadata)) {
      const message = 'body must be a JSON object';
      throw new ValidationError(message, [{ field: 'body', message }]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one global ValidationPipe: unknown fields are rejected, types converted only where a
 * DTO says so, and the 422 answer lists every field with the rule it broke.
 */
export function createValidationPipe(): ValidationPipe {
  return new RouteInputPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: true,
    // value: only to tell a missing field from a wrong one; never copied into the answer.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const problems = flatten(errors);
      return new ValidationError(problems.map((p) => p.message).join('; '), problems);
    },
  });
}
