import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ConsoleValidationError } from './console-errors';
import { normalizeFieldNames, otherCase } from './field-names';

class RuleDto {
  @IsString() target_type!: string;
  @IsOptional() @IsString() Prefix?: string;
}

class ConfigDto {
  @IsString() display_name!: string;
  @IsOptional() @IsInt() maxBuckets?: number;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => RuleDto) rules?: RuleDto[];
}

describe('otherCase', () => {
  it.each([
    ['displayName', 'display_name'],
    ['display_name', 'displayName'],
    ['maxStorageBytes', 'max_storage_bytes'],
    ['max_storage_bytes', 'maxStorageBytes'],
    ['expires_in', 'expiresIn'],
  ])('%s ↔ %s', (a, b) => expect(otherCase(a)).toBe(b));

  it.each(['name', 'Statement', 'Version', 'ID', '_private', 'a__b'])('leaves %s alone', (n) => expect(otherCase(n)).toBeUndefined());
});

describe('normalizeFieldNames', () => {
  it("renames a field to the DTO's spelling, both ways, in nested DTOs too", () => {
    expect(normalizeFieldNames({ displayName: 'A', max_buckets: 3, rules: [{ targetType: 'queue', Prefix: 'p/' }] }, ConfigDto)).toEqual({
      display_name: 'A',
      maxBuckets: 3,
      rules: [{ target_type: 'queue', Prefix: 'p/' }],
    });
  });

  it('leaves declared and unknown fields as they are (the validator refuses the unknown ones)', () => {
    expect(normalizeFieldNames({ display_name: 'A', bogusField: 1, other_thing: 2 }, ConfigDto)).toEqual({
      display_name: 'A',
      bogusField: 1,
      other_thing: 2,
    });
  });

  it('keeps one of two equal spellings, and refuses two different ones naming both', () => {
    expect(normalizeFieldNames({ display_name: 'A', displayName: 'A' }, ConfigDto)).toEqual({ display_name: 'A' });
    expect(() => normalizeFieldNames({ display_name: 'A', displayName: 'B' }, ConfigDto)).toThrow(ConsoleValidationError);
    expect(() => normalizeFieldNames({ display_name: 'A', displayName: 'B' }, ConfigDto)).toThrow(/displayName and display_name/);
  });

  it('passes non-objects through', () => {
    expect(normalizeFieldNames('x', ConfigDto)).toBe('x');
    expect(normalizeFieldNames(null, ConfigDto)).toBeNull();
  });
});
