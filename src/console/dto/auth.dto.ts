import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ description: 'Username; the root account logs in with its access key id' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  username!: string;

  @ApiProperty({ description: "Password; the root account's is its secret key" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ description: 'TOTP code or backup code, for accounts with 2FA' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  totp_code?: string;

  @ApiPropertyOptional({ description: 'Alias of totp_code' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  totpCode?: string;

  @ApiPropertyOptional({
    description: 'LDAP identity provider (id or name) to check the password with; LDAP-linked users need not give it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  provider?: string;
}

/** A TOTP code (2fa verify / validate). */
export class TwoFactorCodeDto {
  @ApiProperty({ description: '6-digit TOTP code' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code!: string;
}

export class DisableTwoFactorDto {
  @ApiPropertyOptional({ description: 'A current TOTP code or an unused backup code (needed to disable your own 2FA)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  code?: string;

  @ApiPropertyOptional({ description: "An administrator resets another user's 2FA (id or username)" })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  user_id?: string;
}
