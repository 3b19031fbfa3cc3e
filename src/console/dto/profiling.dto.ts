import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_CPU_PROFILE_SECONDS } from '../../monitoring/profiling.service';

export const PROFILE_TYPES = ['cpu', 'heap'] as const;
export type ProfileType = (typeof PROFILE_TYPES)[number];

export class ProfilingQueryDto {
  @ApiPropertyOptional({ enum: PROFILE_TYPES, default: 'cpu', description: 'cpu: a .cpuprofile (JSON); heap: a .heapsnapshot (streamed)' })
  @IsOptional()
  @IsIn(PROFILE_TYPES)
  type: ProfileType = 'cpu';

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CPU_PROFILE_SECONDS, default: 10, description: 'CPU profile length' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_CPU_PROFILE_SECONDS)
  seconds: number = 10;
}
