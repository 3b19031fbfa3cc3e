import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import tools from './system-tools.json';

/** Where Debian puts daemons (slapd); searched after PATH, which may lack them for non-root users. */
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of the executable `name` on PATH (then the sbin directories), or undefined. */
export function findTool(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter).filter(Boolean), ...SBIN]) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The path of a system program a test starts; when it cannot be found, an error naming it, its
 * Debian package and the command that installs it (the same words as test/preflight.mjs).
 */
export function requireTool(name: string): string {
  const found = findTool(name);
  if (found) return found;
  const pkg = tools.tools.find((t) => t.name === name)?.package ?? name;
  throw new Error(`${name} is not on PATH (Debian package ${pkg}); install what the tests need with: .ci/run --setup`);
}
