import { registerDecorator, ValidationOptions } from 'class-validator';

/** Validates with a pure rule that returns the broken rule (or null); the 422 message quotes it. */
export function Satisfies(
  name: string,
  problem: (value: unknown) => string | null,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args) => `${args.property} ${problem(args.value) ?? 'is invalid'}`,
        ...options,
      },
      validator: { validate: (value: unknown) => problem(value) === null },
    });
}

export const stringRule =
  (rule: (value: string) => string | null) =>
  (value: unknown): string | null =>
    typeof value === 'string' ? rule(value) : 'must be a string';
