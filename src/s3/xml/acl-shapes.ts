import { AclPermission, ACL_PERMISSIONS, validGroup, AclError, AclGrant, RequestedGrant } from '../../iam/acl/acl';
import type { Owner } from './shapes';
import type { XmlDocument } from './write-xml';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** AccessControlPolicy, as GetBucketAcl / GetObjectAcl return it. */
export function accessControlPolicyXml(owner: Owner, grants: AclGrant[], displayName: (id: string) => string): XmlDocument {
  return {
    root: 'AccessControlPolicy',
    body: {
      Owner: { ID: owner.id, DisplayName: owner.displayName },
      AccessControlList: {
        Grant: grants.map((g) => ({
          Grantee:
            g.grantee.type === 'Group'
              ? { $: { 'xmlns:xsi': XSI, 'xsi:type': 'Group' }, URI: g.grantee.uri }
              : { $: { 'xmlns:xsi': XSI, 'xsi:type': 'CanonicalUser' }, ID: g.grantee.id, DisplayName: displayName(g.grantee.id) },
          Permission: g.permission,
        })),
      },
    },
  };
}

type Node = Record<string, unknown[]>;
const text = (n: Node | undefined, name: string): string | undefined => {
  const v = n?.[name]?.[0];
  return typeof v === 'string' ? v : v && typeof v === 'object' && '_' in v ? String((v as { _: unknown })._) : undefined;
};

/** Reads the grants of a PutBucketAcl/PutObjectAcl AccessControlPolicy body (parsed by readXml). */
export function grantsFromXml(doc: Node): RequestedGrant[] {
  const acl = (doc.AccessControlList?.[0] ?? {}) as Node;
  const grants: RequestedGrant[] = [];
  for (const g of (acl.Grant ?? []) as Node[]) {
    const grantee = (g.Grantee?.[0] ?? {}) as Node & { $?: Record<string, string> };
    const permission = text(g, 'Permission') as AclPermission | undefined;
    if (!permission || !ACL_PERMISSIONS.includes(permission)) throw new AclError(`Invalid permission: ${permission ?? '(none)'}`);
    const type = Object.entries(grantee.$ ?? {}).find(([k]) => k.endsWith('type'))?.[1];
    if (type === 'Group' || text(grantee, 'URI')) {
      grants.push({ grantee: validGroup(text(grantee, 'URI') ?? ''), permission });
    } else if (type === 'CanonicalUser' || text(grantee, 'ID')) {
      const id = text(grantee, 'ID');
      if (!id) throw new AclError('A CanonicalUser grantee needs an ID');
      grants.push({ grantee: { type: 'CanonicalUser', id }, permission });
    } else if (type === 'AmazonCustomerByEmail' || text(grantee, 'EmailAddress')) {
      const email = text(grantee, 'EmailAddress');
      if (!email) throw new AclError('An AmazonCustomerByEmail grantee needs an EmailAddress');
      grants.push({ grantee: { type: 'AmazonCustomerByEmail', email }, permission });
    } else {
      throw new AclError('Unsupported grantee');
    }
  }
  return grants;
}
