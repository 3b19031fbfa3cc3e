import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { DomainError } from '../../common/domain-error';
import { IamService } from '../../iam/iam.service';
import { UsersService, UserView } from '../../iam/users.service';
import { ConsoleAccess, denied } from '../console-access';
import { AUDIT_ACTION as A, AUDIT_RESOURCE as R } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal } from '../decorators';
import { CreateAccessKeyDto, ListAccessKeysQueryDto, toAccessKeyDto, toCreatedAccessKeyDto } from '../dto/access-key.dto';
import { PageQueryDto } from '../dto/pagination.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ok, paged, paginate } from '../http/responses';

/**
 * Access keys. MaxIOFS: /access-keys, /access-keys/user/{userId}; Strix: /users/{username}/access-keys
 * and DELETE /access-keys/{id}. A user manages their own keys, a tenant admin their tenant's, a
 * global admin all. The secret is answered once, at creation.
 */
@ConsoleController('', 'access-keys')
export class AccessKeysController {
  constructor(
    private readonly users: UsersService,
    private readonly iam: IamService,
    private readonly access: ConsoleAccess,
  ) {}

  @Get('access-keys')
  @ApiOperation({ summary: 'List access keys: all (global admin), the tenant’s (tenant admin) or your own' })
  async list(@CurrentPrincipal() p: ConsolePrincipal, @Query() q: ListAccessKeysQueryDto) {
    let keys;
    if (q.user_id !== undefined) {
      keys = await this.users.listKeys({ user: (await this.access.readableUser(p, q.user_id)).id });
    } else if (p.role === 'user') {
      if (q.tenant_id !== undefined && q.tenant_id !== p.tenantId && q.tenant_id !== p.tenantName)
        throw denied('You can only see your own keys');
      keys = await this.users.listKeys({ user: p.userId });
    } else {
      const tenantId = await this.access.tenantScope(p, q.tenant_id);
      keys = await this.users.listKeys(tenantId === undefined ? {} : { tenantId });
    }
    const { items, pagination } = paginate(keys.map(toAccessKeyDto), q.page, q.page_size);
    return paged(items, pagination, { access_keys: items });
  }

  @Get('access-keys/user/:userId')
  @ApiOperation({ summary: "A user's access keys (id or username)" })
  async listOfUser(@CurrentPrincipal() p: ConsolePrincipal, @Param('userId') userId: string, @Query() q: PageQueryDto) {
    return this.keysOf(p, userId, q);
  }

  @Post('access-keys')
  @Audit(R.accessKey, A.create)
  @ApiOperation({ summary: 'Create an access key for yourself, or (user_id) for a user you manage' })
  async create(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: CreateAccessKeyDto) {
    const owner = dto.user_id ?? dto.userId ?? dto.username;
    const user = owner === undefined ? await this.users.get(p.userId) : await this.ownKeysOrManaged(p, owner);
    return this.createFor(user, dto);
  }

  @Delete('access-keys/:id')
  @HttpCode(204)
  @Audit(R.accessKey, A.delete)
  @ApiOperation({ summary: 'Delete an access key (204)' })
  async remove(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string): Promise<void> {
    const key = await this.users.getKey(id);
    await this.ownKeysOrManaged(p, key.userId);
    if (key.accessKeyId === this.iam.rootCredentials().accessKey) {
      throw new DomainError('InvalidInput', 'The root access key cannot be deleted (it is also the root console login)');
    }
    await this.users.deleteKey(key.accessKeyId);
  }

  // ---- Strix: keys under the user ----

  @Get('users/:user/access-keys')
  @ApiOperation({ summary: "A user's access keys (Strix: { access_keys: [...] })" })
  async strixList(@CurrentPrincipal() p: ConsolePrincipal, @Param('user') user: string, @Query() q: PageQueryDto) {
    return this.keysOf(p, user, q);
  }

  @Post('users/:user/access-keys')
  @Audit(R.accessKey, A.create)
  @ApiOperation({ summary: 'Create an access key for a user (Strix: the key at the top level, with its secret)' })
  async strixCreate(@CurrentPrincipal() p: ConsolePrincipal, @Param('user') owner: string, @Body() dto: CreateAccessKeyDto) {
    if (dto.user_id ?? dto.userId ?? dto.username)
      throw new ConsoleValidationError({ user_id: ['property user_id should not exist: the user is in the path'] });
    return this.createFor(await this.ownKeysOrManaged(p, owner), dto);
  }

  private async keysOf(p: ConsolePrincipal, idOrName: string, q: PageQueryDto) {
    const user = await this.access.readableUser(p, idOrName);
    const { items, pagination } = paginate((await this.users.listKeys({ user: user.id })).map(toAccessKeyDto), q.page, q.page_size);
    return paged(items, pagination, { access_keys: items });
  }

  private async createFor(user: UserView, dto: CreateAccessKeyDto) {
    if ((dto.access_key_id === undefined) !== (dto.secret_access_key === undefined)) {
      throw new ConsoleValidationError({ secret_access_key: ['access_key_id and secret_access_key go together'] });
    }
    const given = dto.access_key_id !== undefined ? { accessKeyId: dto.access_key_id, secretKey: dto.secret_access_key! } : undefined;
    const key = toCreatedAccessKeyDto(await this.users.createKey(user.id, given));
    return ok(key, { ...key });
  }

  /** Keys are yours to manage when they are your own, or their owner is a user you manage. */
  private ownKeysOrManaged(p: ConsolePrincipal, idOrName: string): Promise<UserView> {
    return this.access.readableUser(p, idOrName);
  }
}
