import { Body, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { DomainError } from '../../common/domain-error';
import { UsersService } from '../../iam/users.service';
import { ConsoleAccess } from '../console-access';
import { AUDIT_ACTION as A, AUDIT_RESOURCE as R } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal } from '../decorators';
import { PageQueryDto } from '../dto/pagination.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ok, paged, paginate } from '../http/responses';

interface StoredPolicy {
  name: string;
  document: string;
  createdAt: Date;
}

const toPolicyDto = (p: StoredPolicy) => {
  const policy = JSON.parse(p.document) as Record<string, unknown>;
  return { name: p.name, policy, document: policy, created_at: p.createdAt.toISOString() };
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The policy document of a request body: `{ "policy": { … } }` (Strix), `{ "document": { … } }`,
 * or the document itself. A `name` inside the wrapper or the document names the policy, and is
 * removed from the document (a policy has no such element).
 */
function policyOf(body: unknown): { name?: string; document: Record<string, unknown> } {
  if (!isObject(body)) throw new ConsoleValidationError({ policy: ['policy must be a JSON object'] });
  const inner = body.policy ?? body.document;
  const wrapped = inner !== undefined;
  if (wrapped && !isObject(inner)) throw new ConsoleValidationError({ policy: ['policy must be a JSON object'] });
  const doc: Record<string, unknown> = { ...(wrapped ? (inner as Record<string, unknown>) : body) };
  const name = (wrapped ? body.name : undefined) ?? doc.name ?? body.policy_name;
  delete doc.name;
  if (name !== undefined && typeof name !== 'string') throw new ConsoleValidationError({ name: ['name must be a string'] });
  if (wrapped) {
    const extra = Object.keys(body).filter((k) => !['policy', 'document', 'name', 'policy_name'].includes(k));
    if (extra.length > 0) throw new ConsoleValidationError({ [extra[0]]: [`property ${extra[0]} should not exist`] });
  }
  return { name, document: doc };
}

/** Strix inline identity policies of a user: read by the user, written by their admins. */
@ConsoleController('users', 'policies')
export class UserPoliciesController {
  constructor(
    private readonly users: UsersService,
    private readonly access: ConsoleAccess,
  ) {}

  @Get(':user/policies')
  @ApiOperation({ summary: "A user's inline policies (Strix: { policies: [...] })" })
  async list(@CurrentPrincipal() p: ConsolePrincipal, @Param('user') user: string, @Query() q: PageQueryDto) {
    const u = await this.access.readableUser(p, user);
    const { items, pagination } = paginate((await this.users.listPolicies(u.id)).map(toPolicyDto), q.page, q.page_size);
    return paged(items, pagination, { policies: items });
  }

  @Get(':user/policies/:name')
  @ApiOperation({ summary: 'One inline policy' })
  async get(@CurrentPrincipal() p: ConsolePrincipal, @Param('user') user: string, @Param('name') name: string) {
    const u = await this.access.readableUser(p, user);
    const found = (await this.users.listPolicies(u.id)).find((x) => x.name === name);
    if (!found) throw new DomainError('PolicyNotFound', `user ${u.username} has no policy ${name}`);
    const dto = toPolicyDto(found);
    return ok(dto, { ...dto });
  }

  @Post(':user/policies')
  @Audit(R.policy, A.create)
  @ApiBody({ description: 'Strix: { "policy": { "name": "MyPolicy", "Statement": [ … ] } }', schema: { type: 'object' } })
  @ApiOperation({ summary: 'Attach a named inline policy (Strix shape: the name inside the policy)' })
  async create(@CurrentPrincipal() p: ConsolePrincipal, @Param('user') user: string, @Body() body: Record<string, unknown>) {
    const { name, document } = policyOf(body);
    if (name === undefined) throw new ConsoleValidationError({ name: ['name is required (policy.name)'] });
    return this.put(p, user, name, document);
  }

  @Put(':user/policies/:name')
  @Audit(R.policy, A.update)
  @ApiBody({ description: 'The policy document, or { "policy": { … } }', schema: { type: 'object' } })
  @ApiOperation({ summary: 'Attach or replace a named inline policy' })
  async replace(
    @CurrentPrincipal() p: ConsolePrincipal,
    @Param('user') user: string,
    @Param('name') name: string,
    @Body() body: Record<string, unknown>,
  ) {
    const parsed = policyOf(body);
    if (parsed.name !== undefined && parsed.name !== name)
      throw new ConsoleValidationError({ name: ['name differs from the name in the path'] });
    return this.put(p, user, name, parsed.document);
  }

  @Delete(':user/policies/:name')
  @HttpCode(204)
  @Audit(R.policy, A.delete)
  @ApiOperation({ summary: 'Detach an inline policy (204)' })
  async remove(@CurrentPrincipal() p: ConsolePrincipal, @Param('user') user: string, @Param('name') name: string): Promise<void> {
    const u = await this.access.manageableUser(p, user);
    await this.users.deletePolicy(u.id, name);
  }

  private async put(p: ConsolePrincipal, user: string, name: string, document: Record<string, unknown>) {
    const u = await this.access.manageableUser(p, user);
    await this.users.putPolicy(u.id, name, JSON.stringify(document));
    const stored = (await this.users.listPolicies(u.id)).find((x) => x.name === name)!;
    const dto = toPolicyDto(stored);
    return ok(dto, { ...dto });
  }
}
