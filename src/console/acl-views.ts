import { Injectable } from '@nestjs/common';
import { AclError, AclGrant, cannedAclGrants, validGroup } from '../iam/acl/acl';
import { IamService } from '../iam/iam.service';
import { AclDto, aclOut } from './dto/bucket-config.mappers';
import type { PutAclDto } from './dto/bucket-config.dto';
import { ConsoleValidationError } from './http/console-errors';

/** ACLs of buckets and objects on the console: the grants with the grantees' names. */
@Injectable()
export class AclViews {
  constructor(private readonly iam: IamService) {}

  /** The ACL as stored (none = private: the owner's FULL_CONTROL). */
  async dto(ownerId: string, grants: readonly AclGrant[] | null): Promise<AclDto> {
    const list = grants ?? cannedAclGrants('private', ownerId);
    const names = new Map<string, string>();
    for (const g of list) if (g.grantee.type === 'CanonicalUser') names.set(g.grantee.id, (await this.iam.owner(g.grantee.id)).displayName);
    return aclOut(await this.iam.owner(ownerId), list, (id) => names.get(id) ?? id);
  }

  /** Grants as the S3 API stores them: every CanonicalUser id must name a user (else 400, InvalidArgument). */
  resolve(grants: AclGrant[]): Promise<AclGrant[]> {
    return this.iam.resolveGrants(grants);
  }
}

/** The grants a PUT …/acl asks for: a canned ACL or a list of grants, exactly one of them. */
export function grantsOfRequest(dto: PutAclDto, ownerId: string, bucketOwnerId?: string): AclGrant[] {
  const canned = dto.acl ?? dto.canned_acl;
  if ((canned === undefined) === (dto.grants === undefined)) {
    throw new ConsoleValidationError({ acl: ['give either acl (a canned ACL) or grants, exactly one of them'] });
  }
  if (canned !== undefined) return cannedAclGrants(canned, ownerId, bucketOwnerId);
  return dto.grants!.map((g, i) => {
    try {
      if (g.grantee.type === 'Group') return { grantee: validGroup(g.grantee.uri ?? ''), permission: g.permission };
    } catch (err) {
      if (err instanceof AclError) throw new ConsoleValidationError({ [`grants.${i}.grantee.uri`]: [err.message] });
      throw err;
    }
    if (!g.grantee.id) throw new ConsoleValidationError({ [`grants.${i}.grantee.id`]: ['a CanonicalUser grantee needs an id'] });
    return { grantee: { type: 'CanonicalUser' as const, id: g.grantee.id }, permission: g.permission };
  });
}
