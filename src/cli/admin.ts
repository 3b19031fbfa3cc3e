/**
 * The admin CLI: manages tenants, users, access keys and policies directly in the configured
 * database (same DATABASE_URL / DATA_DIR as the server). Safe while the server runs: it starts
 * no server and no background job, and the server sees key changes within its 5 s key cache.
 *
 *   npm run admin -- <command> [args] [--json]
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { AppLogger } from '../common/app-logger';
import { ConfigError, loadConfig } from '../config/load-config';
import { UsersService, ROLES } from '../iam/users.service';
import type { UserRole } from '../iam/entities/user.entity';
import { TenantsService } from '../tenants/tenants.service';
import { KmsKeyView, KmsService } from '../encryption/kms.service';
import { MasterKeyRotationService } from '../encryption/master-key-rotation.service';
import { AdminModule } from './admin.module';

const USAGE = `Usage: npm run admin -- <command> [options] [--json]

  tenant create <name> [--max-bytes N] [--max-buckets N] [--max-objects N]
  tenant update <name> [--max-bytes N|none] [--max-buckets N|none] [--max-objects N|none] [--status active|suspended]
  tenant delete <name>
  tenant recalculate <name>            recompute usage counters from the stored objects
  tenant list
  user create <username> [--tenant <name>] [--role admin|tenant-admin|user] [--password <pw>] [--email <e>]
  user disable|enable|delete <username>
  user password <username> <password>
  user list [--tenant <name>]
  key create <username> [--access-key <id> --secret-key <secret>]
  key disable|enable|delete <access-key>
  key list [--user <username>]
  policy attach <username> <policy-name> <file.json>
  policy detach <username> <policy-name>
  policy list <username>
  kms create [<alias>] [--description <text>] [--default]
  kms list
  kms describe|rotate|enable|disable|default <key-id | ARN | alias/name>
  master-key rotate                    re-wrap data keys, KMS keys and secrets under MASTER_KEY
                                       (run with MASTER_KEY=<new> MASTER_KEY_PREVIOUS=<old>)

Every command prints its result (--json for scripts) and exits non-zero with a message on bad input.`;

export class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--') && a !== '--json' && a !== '--help') flags.set(a.slice(2), argv[++i]);
      else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

const KNOWN_FLAGS: Record<string, string[]> = {
  'tenant create': ['max-bytes', 'max-buckets', 'max-objects'],
  'tenant update': ['max-bytes', 'max-buckets', 'max-objects', 'status'],
  'user create': ['tenant', 'role', 'password', 'email'],
  'user list': ['tenant'],
  'key create': ['access-key', 'secret-key'],
  'key list': ['user'],
  'kms create': ['description', 'default'],
};

function flagStr(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

function quota(p: Parsed, name: string, allowNone: boolean): number | null | undefined {
  const v = flagStr(p, name);
  if (v === undefined) return undefined;
  if (allowNone && v === 'none') return null;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number${allowNone ? ' or none' : ''}`);
  return Number(v);
}

function need(p: Parsed, count: number, what: string): string[] {
  const args = p.positional.slice(2);
  if (args.length !== count) throw new UsageError(`expected ${what}`);
  return args;
}

/** Runs one command; returns [json, human text]. */
export async function runCommand(app: INestApplicationContext, p: Parsed): Promise<[unknown, string]> {
  const tenants = app.get(TenantsService);
  const users = app.get(UsersService);
  const [group, verb] = p.positional;
  const cmd = `${group} ${verb}`;
  const allowed = new Set([...(KNOWN_FLAGS[cmd] ?? []), 'json']);
  for (const f of p.flags.keys()) if (!allowed.has(f)) throw new UsageError(`unknown option --${f} for "${cmd}"`);

  switch (cmd) {
    case 'tenant create': {
      const [name] = need(p, 1, 'tenant create <name>');
      const t = await tenants.create(name, {
        maxBytes: quota(p, 'max-bytes', false),
        maxBuckets: quota(p, 'max-buckets', false),
        maxObjects: quota(p, 'max-objects', false),
      });
      return [t, `created tenant ${t.name} (${t.id})`];
    }
    case 'tenant update': {
      const [name] = need(p, 1, 'tenant update <name>');
      const status = flagStr(p, 'status') as 'active' | 'suspended' | undefined;
      const t = await tenants.update(name, {
        maxBytes: quota(p, 'max-bytes', true),
        maxBuckets: quota(p, 'max-buckets', true),
        maxObjects: quota(p, 'max-objects', true),
        status,
      });
      return [t, `updated tenant ${t.name}`];
    }
    case 'tenant delete': {
      const [name] = need(p, 1, 'tenant delete <name>');
      await tenants.delete(name);
      return [{ deleted: name }, `deleted tenant ${name}`];
    }
    case 'tenant recalculate': {
      const [name] = need(p, 1, 'tenant recalculate <name>');
      const t = await tenants.recalculate(name);
      return [t, `tenant ${t.name}: ${t.usedBytes} bytes in ${t.usedObjects} objects`];
    }
    case 'tenant list': {
      need(p, 0, 'tenant list');
      const list = await tenants.list();
      const fmt = (n: number | null) => (n === null ? '-' : String(n));
      return [
        list,
        table(
          ['NAME', 'STATUS', 'USED BYTES', 'MAX BYTES', 'OBJECTS', 'MAX OBJECTS', 'MAX BUCKETS'],
          list.map((t) => [
            t.name,
            t.status,
            String(t.usedBytes),
            fmt(t.maxBytes),
            String(t.usedObjects),
            fmt(t.maxObjects),
            fmt(t.maxBuckets),
          ]),
        ),
      ];
    }
    case 'user create': {
      const [username] = need(p, 1, 'user create <username>');
      const role = flagStr(p, 'role') as UserRole | undefined;
      if (role !== undefined && !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const u = await users.create({
        username,
        tenant: flagStr(p, 'tenant'),
        role,
        password: flagStr(p, 'password'),
        email: flagStr(p, 'email'),
      });
      return [u, `created user ${u.username} (${u.role}${u.tenantName ? ` in tenant ${u.tenantName}` : ''}), ${u.arn}`];
    }
    case 'user disable':
    case 'user enable': {
      const [username] = need(p, 1, `${cmd} <username>`);
      const u = await users.setStatus(username, verb === 'disable' ? 'inactive' : 'active');
      return [u, `user ${u.username} is ${u.status}`];
    }
    case 'user delete': {
      const [username] = need(p, 1, 'user delete <username>');
      await users.delete(username);
      return [{ deleted: username }, `deleted user ${username}`];
    }
    case 'user password': {
      const [username, password] = need(p, 2, 'user password <username> <password>');
      await users.setPassword(username, password);
      return [{ username, passwordSet: true }, `password of ${username} changed`];
    }
    case 'user list': {
      need(p, 0, 'user list');
      const tenant = flagStr(p, 'tenant');
      const list = await users.list(tenant ? { tenantId: (await tenants.get(tenant)).id } : {});
      return [
        list,
        table(
          ['USERNAME', 'ROLE', 'TENANT', 'STATUS', 'POLICIES'],
          list.map((u) => [u.username, u.role, u.tenantName ?? '-', u.status, u.policies.join(',') || '-']),
        ),
      ];
    }
    case 'key create': {
      const [username] = need(p, 1, 'key create <username>');
      const id = flagStr(p, 'access-key');
      const secret = flagStr(p, 'secret-key');
      if ((id === undefined) !== (secret === undefined)) throw new UsageError('--access-key and --secret-key go together');
      const k = await users.createKey(username, id !== undefined ? { accessKeyId: id, secretKey: secret! } : undefined);
      return [
        k,
        `access key for ${k.username} (the secret is shown only now):\n  AWS_ACCESS_KEY_ID=${k.accessKeyId}\n  AWS_SECRET_ACCESS_KEY=${k.secretKey}`,
      ];
    }
    case 'key disable':
    case 'key enable': {
      const [key] = need(p, 1, `${cmd} <access-key>`);
      const k = await users.setKeyStatus(key, verb === 'disable' ? 'inactive' : 'active');
      return [k, `access key ${k.accessKeyId} is ${k.status}`];
    }
    case 'key delete': {
      const [key] = need(p, 1, 'key delete <access-key>');
      await users.deleteKey(key);
      return [{ deleted: key }, `deleted access key ${key}`];
    }
    case 'key list': {
      need(p, 0, 'key list');
      const list = await users.listKeys({ user: flagStr(p, 'user') });
      return [
        list,
        table(
          ['ACCESS KEY', 'USER', 'STATUS', 'CREATED', 'LAST USED'],
          list.map((k) => [k.accessKeyId, k.username, k.status, k.createdAt.toISOString(), k.lastUsedAt?.toISOString() ?? '-']),
        ),
      ];
    }
    case 'policy attach': {
      const [username, name, file] = need(p, 3, 'policy attach <username> <policy-name> <file.json>');
      let document: string;
      try {
        document = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
      }
      await users.putPolicy(username, name, document);
      return [{ username, policy: name }, `attached policy ${name} to ${username}`];
    }
    case 'policy detach': {
      const [username, name] = need(p, 2, 'policy detach <username> <policy-name>');
      await users.deletePolicy(username, name);
      return [{ username, detached: name }, `detached policy ${name} from ${username}`];
    }
    case 'policy list': {
      const [username] = need(p, 1, 'policy list <username>');
      const list = await users.listPolicies(username);
      return [list, list.map((x) => `${x.name}\n${x.document}`).join('\n\n') || `${username} has no policies`];
    }
    case 'kms create': {
      const args = p.positional.slice(2);
      if (args.length > 1) throw new UsageError('expected kms create [<alias>]');
      const description = flagStr(p, 'description');
      const k = await app.get(KmsService).create({ alias: args[0] ?? null, description, isDefault: p.flags.get('default') === true });
      return [k, `created KMS key ${k.keyId}${k.alias ? ` (alias/${k.alias})` : ''}\n  ${k.arn}`];
    }
    case 'kms list': {
      need(p, 0, 'kms list');
      const list = await app.get(KmsService).list();
      return [
        list,
        table(
          ['KEY ID', 'ALIAS', 'STATE', 'DEFAULT', 'VERSIONS', 'CREATED'],
          list.map((k) => [
            k.keyId,
            k.alias ? `alias/${k.alias}` : '-',
            k.keyState,
            k.isDefault ? 'yes' : '',
            String(k.versions),
            k.createdAt.toISOString(),
          ]),
        ),
      ];
    }
    case 'kms describe':
    case 'kms rotate':
    case 'kms enable':
    case 'kms disable':
    case 'kms default': {
      const [ref] = need(p, 1, `${cmd} <key-id | ARN | alias/name>`);
      const kms = app.get(KmsService);
      const k: KmsKeyView =
        verb === 'describe'
          ? await kms.describe(ref)
          : verb === 'rotate'
            ? await kms.rotate(ref)
            : verb === 'default'
              ? await kms.setDefault(ref)
              : await kms.setEnabled(ref, verb === 'enable');
      return [
        k,
        `${k.keyId}${k.alias ? ` alias/${k.alias}` : ''}: ${k.keyState}${k.isDefault ? ', default' : ''}, ${k.versions} version(s)\n  ${k.arn}`,
      ];
    }
    case 'master-key rotate': {
      need(p, 0, 'master-key rotate');
      const r = await app.get(MasterKeyRotationService).rotate();
      return [
        r,
        `re-wrapped under the new master key: ${r.dataKeys} data keys of ${r.objectVersions} object versions, ${r.uploadParts} upload parts, ` +
          `${r.kmsKeys} KMS keys, ${r.secrets} secrets, ${r.serverSecrets} server secrets. Start the server with MASTER_KEY alone now.`,
      ];
    }
    default:
      throw new UsageError(group ? `unknown command "${p.positional.join(' ')}"` : 'no command given');
  }
}

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * SQLite, with the server running: a transaction that read before it writes fails at once with
 * SQLITE_BUSY(_SNAPSHOT) when the server committed in between (the busy timeout does not cover
 * that case). Nothing of it was kept, so the command runs again, a few times, with a short pause.
 */
async function withBusyRetry<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: unknown; driverError?: { code?: unknown } };
      const code = String(e.driverError?.code ?? e.code ?? '');
      if (i >= attempts || !code.startsWith('SQLITE_BUSY')) throw err;
      await new Promise((r) => setTimeout(r, 50 * i + Math.floor(Math.random() * 50)));
    }
  }
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  const json = parsed.flags.has('json');
  if (parsed.flags.has('help') || parsed.positional.length === 0) {
    process.stdout.write(USAGE + '\n');
    return parsed.positional.length === 0 && !parsed.flags.has('help') ? 2 : 0;
  }
  let app: INestApplicationContext | undefined;
  try {
    const config = loadConfig(process.env, { backgroundJobs: false });
    app = await NestFactory.createApplicationContext(AdminModule.forRoot(config), { logger: new AppLogger('warn') });
    const [result, text] = await withBusyRetry(() => runCommand(app!, parsed));
    process.stdout.write((json ? JSON.stringify(result, null, 2) : text) + '\n');
    return 0;
  } catch (err) {
    const message =
      err instanceof UsageError
        ? `${err.message}\n\n${USAGE}`
        : err instanceof DomainError || err instanceof ConfigError
          ? err.message
          : String((err as Error)?.stack ?? err);
    if (json)
      process.stdout.write(
        JSON.stringify({ error: err instanceof DomainError ? err.code : 'Error', message: (err as Error).message }) + '\n',
      );
    process.stderr.write(`error: ${message}\n`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await app?.close();
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
