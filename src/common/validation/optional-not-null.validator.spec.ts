import { IsBoolean, IsString, MaxLength, validate } from 'class-validator';
import { IsOptionalNotNull } from './optional-not-null.validator';

class Patch {
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(3)
  name?: string;

  @IsBoolean()
  @IsOptionalNotNull()
  archived?: boolean;
}

async function problems(values: Record<string, unknown>): Promise<Record<string, string[]>> {
  const errors = await validate(Object.assign(new Patch(), values), { stopAtFirstError: true });
  return Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})]));
}

describe('IsOptionalNotNull', () => {
  it('skips the field when it is absent', async () => {
    expect(await problems({})).toEqual({});
  });

  it('refuses null, before the field type rules, wherever the decorator stands', async () => {
    expect(await problems({ name: null, archived: null })).toEqual({
      name: ['name must not be null; leave it out instead'],
      archived: ['archived must not be null; leave it out instead'],
    });
  });

  it('applies the field rules to a value', async () => {
    expect(await problems({ name: 'long', archived: true })).toEqual({
      name: ['name must be shorter than or equal to 3 characters'],
    });
  });
});
