import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional } from 'class-validator';
import { SETTING_CATEGORIES, SettingCategory, SettingValue } from '../../settings/settings.catalog';
import type { SettingView } from '../../settings/settings.service';

export class UpdateSettingDto {
  @ApiProperty({
    description: "The new value: a boolean, a number or a string as the setting's type says (numbers and booleans may be sent as strings)",
  })
  @IsDefined({ message: 'value is required' })
  value!: unknown;
}

export class ResetSettingsDto {
  @ApiPropertyOptional({ enum: SETTING_CATEGORIES, description: 'Only this category (default: every setting)' })
  @IsOptional()
  @IsIn(SETTING_CATEGORIES)
  category?: SettingCategory;
}

export interface SettingDto {
  key: string;
  category: SettingCategory;
  name: string;
  type: string;
  value: SettingValue;
  default_value: SettingValue;
  is_default: boolean;
  description: string;
  min?: number;
  max?: number;
  options?: readonly string[];
  max_length?: number;
  unit?: string;
  /** The environment variable this setting replaces at runtime. */
  overrides?: string;
  editable: true;
  updated_at: string | null;
  updated_by: string | null;
}

export function toSettingDto(s: SettingView): SettingDto {
  return {
    key: s.key,
    category: s.category,
    name: s.name,
    type: s.type,
    value: s.value,
    default_value: s.defaultValue,
    is_default: s.isDefault,
    description: s.description,
    ...(s.min !== undefined ? { min: s.min } : {}),
    ...(s.max !== undefined ? { max: s.max } : {}),
    ...(s.options !== undefined ? { options: s.options } : {}),
    ...(s.maxLength !== undefined ? { max_length: s.maxLength } : {}),
    ...(s.unit !== undefined ? { unit: s.unit } : {}),
    ...(s.overrides !== undefined ? { overrides: s.overrides } : {}),
    editable: true,
    updated_at: s.updatedAt ? s.updatedAt.toISOString() : null,
    updated_by: s.updatedBy,
  };
}
