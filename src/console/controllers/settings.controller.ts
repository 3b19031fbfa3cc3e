import { Body, Get, HttpCode, NotFoundException, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { isSettingCategory, parseSettingValue, settingDefinition } from '../../settings/settings.catalog';
import { SettingsService } from '../../settings/settings.service';
import { Audit, ConsoleController, CurrentPrincipal, Roles } from '../decorators';
import { PageQueryDto } from '../dto/pagination.dto';
import { ResetSettingsDto, toSettingDto, UpdateSettingDto } from '../dto/settings.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ok, paged, paginate } from '../http/responses';
import { OPS_AUDIT_ACTION as A, OPS_AUDIT_RESOURCE as R } from '../ops.constants';

/**
 * Runtime settings of the server (global admins): typed and validated, defaults from the
 * configuration. Keys are flat (`maintenance_mode`); `<category>.<name>` (`system.maintenance_mode`)
 * works too. What everyone may know (maintenance mode, password policy) is in GET /api/v1/config.
 */
@ConsoleController('settings', 'settings')
@Roles('admin')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({ summary: 'Every setting with its value, default and constraints' })
  list(@Query() q: PageQueryDto) {
    const { items, pagination } = paginate(this.settings.list().map(toSettingDto), q.page, q.page_size);
    return paged(items, pagination, { settings: items });
  }

  @Get('category/:category')
  @ApiOperation({ summary: 'The settings of a category: security, system, audit, metrics, logging' })
  byCategory(@Param('category') category: string, @Query() q: PageQueryDto) {
    if (!isSettingCategory(category)) throw new NotFoundException(`there is no settings category ${category}`);
    const { items, pagination } = paginate(this.settings.list(category).map(toSettingDto), q.page, q.page_size);
    return paged(items, pagination, { category, settings: items });
  }

  @Get(':key')
  @ApiOperation({ summary: 'One setting' })
  get(@Param('key') key: string) {
    const s = this.settings.find(key);
    if (!s) throw new NotFoundException(`there is no setting ${key}`);
    return ok(toSettingDto(s));
  }

  @Put(':key')
  @Audit(R.setting, A.update)
  @ApiOperation({ summary: 'Change a setting: 400 with the reason when the value has the wrong type or is out of range' })
  async update(@CurrentPrincipal() p: ConsolePrincipal, @Param('key') key: string, @Body() dto: UpdateSettingDto) {
    const def = settingDefinition(key);
    if (!def) throw new NotFoundException(`there is no setting ${key}`);
    const parsed = parseSettingValue(def, dto.value);
    if ('error' in parsed) throw new ConsoleValidationError({ value: [parsed.error] });
    return ok(toSettingDto(await this.settings.set(key, dto.value, p.username)));
  }

  @Post('reset')
  @HttpCode(200)
  @Audit(R.setting, A.reset)
  @ApiOperation({ summary: 'Every setting (or one category) back to its default' })
  async reset(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: ResetSettingsDto) {
    const changed = await this.settings.reset(dto.category, p.username);
    const settings = this.settings.list(dto.category).map(toSettingDto);
    return ok({ reset: true, category: dto.category ?? null, changed, settings });
  }
}
