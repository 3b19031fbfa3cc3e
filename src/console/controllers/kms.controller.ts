import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { KmsService } from '../../encryption/kms.service';
import { Audit, ConsoleController, Roles } from '../decorators';
import { CreateKmsKeyDto, toKmsKeyDto } from '../dto/kms.dto';
import { PageQueryDto } from '../dto/pagination.dto';
import { ok, paged, paginate } from '../http/responses';

const R = 'kms_key';

/**
 * The keys of the built-in KMS (SSE-KMS), global admins only: a key is addressed by its id, its
 * ARN or `alias/<name>` (URL-encoded). Key material never leaves the server.
 */
@ConsoleController('kms/keys', 'kms')
@Roles('admin')
export class KmsController {
  constructor(private readonly kms: KmsService) {}

  @Get()
  @ApiOperation({ summary: 'Every KMS key, oldest first' })
  async list(@Query() q: PageQueryDto) {
    const { items, pagination } = paginate((await this.kms.list()).map(toKmsKeyDto), q.page, q.page_size);
    return paged(items, pagination, { keys: items });
  }

  @Post()
  @Audit(R, 'create')
  @ApiOperation({ summary: 'Create a key (fresh random material, wrapped by the master key); 409 when the alias is taken' })
  async create(@Body() dto: CreateKmsKeyDto) {
    const key = toKmsKeyDto(await this.kms.create({ alias: dto.alias, description: dto.description, isDefault: dto.is_default }));
    return ok(key, { key });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A key (DescribeKey)' })
  async get(@Param('id') id: string) {
    const key = toKmsKeyDto(await this.kms.describe(id));
    return ok(key, { key });
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @Audit(R, 'rotate')
  @ApiOperation({ summary: 'New key material for new data keys; objects encrypted before still decrypt' })
  async rotate(@Param('id') id: string) {
    const key = toKmsKeyDto(await this.kms.rotate(id));
    return ok(key, { key });
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Audit(R, 'enable')
  @ApiOperation({ summary: 'Enable a key' })
  async enable(@Param('id') id: string) {
    const key = toKmsKeyDto(await this.kms.setEnabled(id, true));
    return ok(key, { key });
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Audit(R, 'disable')
  @ApiOperation({ summary: 'Disable a key: writes and reads of its objects answer KMS.DisabledException until it is enabled' })
  async disable(@Param('id') id: string) {
    const key = toKmsKeyDto(await this.kms.setEnabled(id, false));
    return ok(key, { key });
  }

  @Post(':id/default')
  @HttpCode(200)
  @Audit(R, 'set_default')
  @ApiOperation({ summary: 'Make this the default key (aws:kms without a key id)' })
  async makeDefault(@Param('id') id: string) {
    const key = toKmsKeyDto(await this.kms.setDefault(id));
    return ok(key, { key });
  }
}
