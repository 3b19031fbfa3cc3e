import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_PART_NUMBER } from '../../multipart/multipart.service';

/** POST /buckets/{bucket}/uploads: starts a multipart upload of `key`. */
export class CreateUploadDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) key!: string;

  @ApiPropertyOptional({ description: 'The Content-Type the object gets' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  content_type?: string;
}

/** The key of an upload, on the routes whose body is not JSON. */
export class UploadKeyQueryDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) key!: string;
}

export class CompletedPartDto {
  @ApiProperty({ minimum: 1, maximum: MAX_PART_NUMBER }) @IsInt() @Min(1) @Max(MAX_PART_NUMBER) part_number!: number;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(128) etag!: string;
}

export class CompleteUploadDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) key!: string;

  @ApiProperty({ type: [CompletedPartDto] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_PART_NUMBER)
  @ValidateNested({ each: true })
  @Type(() => CompletedPartDto)
  parts!: CompletedPartDto[];
}

/** POST /downloads: a short-lived link to one object. */
export class DownloadLinkDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(63) bucket!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) key!: string;

  @ApiPropertyOptional({ description: 'A specific version (default: the current one)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  version_id?: string;
}
