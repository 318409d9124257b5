import { registerDecorator, ValidationOptions } from 'class-validator';

export function isPlainJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object (not an array or null) whose serialized size stays under `maxBytes`. */
export function IsJsonObject(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isJsonObject',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be a JSON object of at most ${maxBytes} bytes`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          isPlainJsonObject(value) && Buffer.byteLength(JSON.stringify(value)) <= maxBytes,
      },
    });
}
