import { IS_DEFINED, registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

/**
 * For optional fields that have no null value (their column is NOT NULL): absent skips the
 * field's other rules, as @IsOptional does, but `null` answers 422 naming the field.
 * @IsOptional lets null through unvalidated, so a PATCH wrote NULL into a NOT NULL column and
 * answered 500. Fields where null means "remove" keep `ValidateIf(v !== null)` + @IsOptional.
 *
 * The null check is registered under class-validator's IS_DEFINED name: those checks run
 * before a property's other rules whatever the decorator order, so with stopAtFirstError the
 * answer says "must not be null" rather than "must be a string".
 */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    ValidateIf((_object, value) => value !== undefined, options)(target, propertyName);
    registerDecorator({
      name: IS_DEFINED,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must not be null; leave it out instead', ...options },
      validator: { validate: (value: unknown) => value !== null },
    });
  };
}
