import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import type { KmsKeyView } from '../../encryption/kms.service';

export class CreateKmsKeyDto {
  @ApiPropertyOptional({ description: 'A unique name (`alias/<name>` or `<name>`): letters, digits, / _ -' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  alias?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @ApiPropertyOptional({ description: 'Make it the default key (aws:kms without a key id uses it)' })
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}

export interface KmsKeyDto {
  key_id: string;
  arn: string;
  alias: string | null;
  description: string | null;
  enabled: boolean;
  key_state: 'Enabled' | 'Disabled';
  is_default: boolean;
  created_at: string;
  rotated_at: string | null;
  versions: number;
}

export function toKmsKeyDto(k: KmsKeyView): KmsKeyDto {
  return {
    key_id: k.keyId,
    arn: k.arn,
    alias: k.alias ? `alias/${k.alias}` : null,
    description: k.description,
    enabled: k.enabled,
    key_state: k.keyState,
    is_default: k.isDefault,
    created_at: k.createdAt.toISOString(),
    rotated_at: k.rotatedAt?.toISOString() ?? null,
    versions: k.versions,
  };
}
