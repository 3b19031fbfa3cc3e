import { Body, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import type { ConsolePrincipal } from '../../auth/auth.types';
import type { PublicAccessBlock } from '../../buckets/bucket-controls';
import { TenantsService } from '../../tenants/tenants.service';
import { ConsoleAccess } from '../console-access';
import { AUDIT_ACTION as A, AUDIT_RESOURCE as R } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal, Roles } from '../decorators';
import { ok } from '../http/responses';

export class PublicAccessBlockDto {
  @ApiPropertyOptional({ description: 'Refuse public ACLs on buckets and objects (PUT answers AccessDenied)' })
  @IsOptional()
  @IsBoolean()
  block_public_acls?: boolean;

  @ApiPropertyOptional({ description: 'Ignore public ACL grants in access decisions' })
  @IsOptional()
  @IsBoolean()
  ignore_public_acls?: boolean;

  @ApiPropertyOptional({ description: 'Refuse public bucket policies' })
  @IsOptional()
  @IsBoolean()
  block_public_policy?: boolean;

  @ApiPropertyOptional({ description: 'A public bucket policy opens the bucket to its own tenant only' })
  @IsOptional()
  @IsBoolean()
  restrict_public_buckets?: boolean;
}

const toDto = (b: PublicAccessBlock) => ({
  block_public_acls: b.blockPublicAcls,
  ignore_public_acls: b.ignorePublicAcls,
  block_public_policy: b.blockPublicPolicy,
  restrict_public_buckets: b.restrictPublicBuckets,
});

/**
 * The account-level public access block of a tenant (S3 Control's PutPublicAccessBlock): every
 * flag applies to all the tenant's buckets, OR-ed with each bucket's own block, as S3 combines them.
 */
@ConsoleController('tenants', 'tenants')
export class TenantPublicAccessBlockController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly access: ConsoleAccess,
  ) {}

  @Get(':id/public-access-block')
  @ApiOperation({ summary: "A tenant's account-level public access block (404 when none is set)" })
  async get(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string) {
    const tenant = await this.access.visibleTenant(p, id);
    const block = toDto(await this.tenants.getPublicAccessBlock(tenant.id));
    return ok(block, { public_access_block: block });
  }

  @Put(':id/public-access-block')
  @Roles('admin')
  @Audit(R.tenant, A.update)
  @ApiOperation({ summary: "Set a tenant's account-level public access block (a missing flag is false)" })
  async put(@Param('id') id: string, @Body() dto: PublicAccessBlockDto) {
    const block: PublicAccessBlock = {
      blockPublicAcls: dto.block_public_acls === true,
      ignorePublicAcls: dto.ignore_public_acls === true,
      blockPublicPolicy: dto.block_public_policy === true,
      restrictPublicBuckets: dto.restrict_public_buckets === true,
    };
    await this.tenants.setPublicAccessBlock(id, block);
    return ok(toDto(block), { public_access_block: toDto(block) });
  }

  @Delete(':id/public-access-block')
  @Roles('admin')
  @HttpCode(204)
  @Audit(R.tenant, A.update)
  @ApiOperation({ summary: "Remove a tenant's account-level public access block" })
  async remove(@Param('id') id: string): Promise<void> {
    await this.tenants.setPublicAccessBlock(id, null);
  }
}
