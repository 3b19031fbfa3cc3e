import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './child-server';
import { requireTool } from './system-tools';

export const LDAP_BASE_DN = 'dc=example,dc=org';
/** The directory manager (rootdn): the tests change the tree with it. */
export const LDAP_ADMIN_DN = 'cn=admin,dc=example,dc=org';
export const LDAP_ADMIN_PASSWORD = 'admin-secret';

export interface TestLdapServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  output(): string;
}

const SCHEMA = '/etc/ldap/schema';
const MODULES = '/usr/lib/ldap';

function conf(dir: string): string {
  return `include ${SCHEMA}/core.schema
include ${SCHEMA}/cosine.schema
include ${SCHEMA}/inetorgperson.schema
include ${SCHEMA}/nis.schema
modulepath ${MODULES}
moduleload back_mdb
pidfile ${dir}/slapd.pid
argsfile ${dir}/slapd.args

database mdb
maxsize 104857600
suffix "${LDAP_BASE_DN}"
rootdn "${LDAP_ADMIN_DN}"
rootpw ${LDAP_ADMIN_PASSWORD}
directory ${dir}/db
index objectClass,uid,cn,member,memberUid eq

access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="cn=reader,ou=services,${LDAP_BASE_DN}" read by self read by * none
`;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * A throw-away OpenLDAP server (Debian's slapd, `.ci/run` installs it) on a random loopback port,
 * with its own config and database in a temp dir, loaded from an LDIF file with slapadd.
 */
export async function startLdapServer(ldifFile: string): Promise<TestLdapServer> {
  // slapd and slapadd from PATH (or /usr/sbin); a clear error naming the one that is missing.
  const slapd = requireTool('slapd');
  const slapadd = requireTool('slapadd');
  const dir = mkdtempSync(join(tmpdir(), 'os3-slapd-'));
  mkdirSync(join(dir, 'db'));
  const confFile = join(dir, 'slapd.conf');
  writeFileSync(confFile, conf(dir));
  const add = spawnSync(slapadd, ['-f', confFile, '-l', ldifFile], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`slapadd failed (${add.status}): ${add.stderr}${add.stdout}`);

  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    const child: ChildProcess = spawn(slapd, ['-f', confFile, '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 15_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await canConnect(port)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (up) {
      return {
        url,
        port,
        output: () => out,
        stop: async () => {
          if (child.exitCode === null) {
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            const t = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(t);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill('SIGKILL');
    lastError = out;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`slapd did not start:\n${lastError}`);
}
