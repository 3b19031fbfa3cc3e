import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

describe('loadConfig: *_FILE secrets', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cfg-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads ROOT_ACCESS_KEY_FILE, ROOT_SECRET_KEY_FILE, MASTER_KEY_FILE and JWT_SECRET_FILE, cutting the trailing newline', () => {
    const config = loadConfig({
      ROOT_ACCESS_KEY_FILE: file('ak', 'rootkey\n'),
      ROOT_SECRET_KEY_FILE: file('sk', 'secret-from-file\r\n'),
      MASTER_KEY_FILE: file('mk', 'ab'.repeat(32) + '\n'),
      JWT_SECRET_FILE: file('jwt', 'j'.repeat(40)),
    });
    expect(config.rootAccessKey).toBe('rootkey');
    expect(config.rootSecretKey).toBe('secret-from-file');
    expect(config.masterKey?.toString('hex')).toBe('ab'.repeat(32));
    expect(config.jwtSecret).toBe('j'.repeat(40));
  });

  it('reads DATABASE_URL_FILE, and puts DATABASE_PASSWORD_FILE into the URL, escaped', () => {
    const fromFile = loadConfig({ DATABASE_URL_FILE: file('url', 'postgres://u:p@db:5432/x\n'), MASTER_KEY: '11'.repeat(32) });
    expect(fromFile.databaseUrl).toBe('postgres://u:p@db:5432/x');
    const withPassword = loadConfig({
      DATABASE_URL: 'postgres://objectstore@db.example:5432/store?sslmode=require',
      DATABASE_PASSWORD_FILE: file('pw', 'p@ss:w/rd\n'),
      MASTER_KEY: '11'.repeat(32),
    });
    const url = new URL(withPassword.databaseUrl!);
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd');
    expect(url.username).toBe('objectstore');
    expect(url.host).toBe('db.example:5432');
    expect(url.searchParams.get('sslmode')).toBe('require');
  });

  it('refuses a variable set both ways, an unreadable file, and a password for a URL that has one', () => {
    let err: unknown;
    try {
      loadConfig({
        ROOT_ACCESS_KEY: 'rootkey',
        ROOT_ACCESS_KEY_FILE: file('ak', 'other'),
        ROOT_SECRET_KEY: 'secretsecret',
        MASTER_KEY_FILE: join(dir, 'missing'),
        DATABASE_URL: 'postgres://u:p@db/x',
        DATABASE_PASSWORD: 'pw',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/set ROOT_ACCESS_KEY or ROOT_ACCESS_KEY_FILE, not both/);
    expect(problems).toMatch(/MASTER_KEY_FILE: cannot read .*missing \(ENOENT\)/);
    expect(problems).toMatch(/DATABASE_URL already holds a password/);
  });
});
