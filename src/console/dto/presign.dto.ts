import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PRESIGN_SECONDS } from '../../s3/auth/presign-url';

export const PRESIGN_METHODS = ['GET', 'PUT', 'HEAD', 'DELETE'] as const;
export type PresignMethod = (typeof PRESIGN_METHODS)[number];

/** Strix `{ bucket, key, method, expires_in }`; MaxIOFS `{ bucket, key, method, expires }` (seconds). */
export class PresignDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(63) bucket!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) key!: string;

  @ApiPropertyOptional({ enum: PRESIGN_METHODS, default: 'GET' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(PRESIGN_METHODS)
  method?: PresignMethod;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PRESIGN_SECONDS, default: 3600, description: 'Seconds the URL works (Strix)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PRESIGN_SECONDS)
  expires_in?: number;

  @ApiPropertyOptional({ description: 'Alias of expires_in (MaxIOFS)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PRESIGN_SECONDS)
  expires?: number;

  @ApiPropertyOptional({ description: 'Alias of expires_in' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PRESIGN_SECONDS)
  expiresIn?: number;

  @ApiPropertyOptional({ description: 'GET/HEAD/DELETE of a specific version' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  version_id?: string;
}
