import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Session } from '../../auth/auth.types';
import { toUserDto } from './user.dto';

const truthy = ({ value }: { value: unknown }) => (typeof value === 'string' ? ['1', 'true', 'yes'].includes(value.toLowerCase()) : value);

/** Body of POST /auth/oauth/login (each field may also come as a query parameter, for plain HTML forms). */
export class StartOAuthLoginDto {
  @ApiPropertyOptional({ description: 'The OIDC provider (id or name), from GET /api/v1/auth/oauth/providers' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  provider?: string;

  @ApiPropertyOptional({ description: 'Alias of provider' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  provider_id?: string;

  @ApiPropertyOptional({
    description: 'A console path to come back to; it receives ?sso_ticket=<ticket> for GET /api/v1/auth/oauth/complete',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  return_to?: string;

  @ApiPropertyOptional({ description: 'Answer 302 to the provider instead of JSON (also ?redirect=1, or a browser Accept: text/html)' })
  @IsOptional()
  @Transform(truthy)
  @IsBoolean()
  redirect?: boolean;
}

export class StartOAuthLoginQueryDto extends StartOAuthLoginDto {}

export const toSessionDto = (s: Session) => ({
  token: s.token,
  token_type: 'Bearer',
  expires_in: s.expiresIn,
  expires_at: s.expiresAt.toISOString(),
  user: toUserDto(s.user),
});
