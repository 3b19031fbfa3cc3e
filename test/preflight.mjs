#!/usr/bin/env node
// Before `npm test` builds or starts anything: are the system programs the suites start there?
// Each is looked up on PATH (and in the sbin directories, where Debian puts slapd, for users whose
// PATH lacks them). When one is missing, one line says which, and the one command that installs
// them all; the exit code is 1. `node test/preflight.mjs` alone runs the check.
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS = JSON.parse(readFileSync(new URL('./support/system-tools.json', import.meta.url), 'utf8')).tools;
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of an executable `name` on PATH (then the sbin directories), or undefined. */
export function findTool(name, path = process.env.PATH ?? '') {
  for (const dir of [...path.split(delimiter).filter(Boolean), ...SBIN]) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The tools of test/support/system-tools.json that cannot be found, with their Debian packages. */
export function missingTools(path) {
  return TOOLS.filter((t) => !findTool(t.name, path));
}

/** The one line printed when something is missing, or undefined when everything is there. */
export function preflightMessage(path) {
  const missing = missingTools(path);
  if (missing.length === 0) return undefined;
  const names = missing.map((t) => t.name).join(', ');
  const packages = [...new Set(missing.map((t) => t.package))].join(' ');
  return `npm test: missing ${names} (Debian package${packages.includes(' ') ? 's' : ''} ${packages}) on PATH; install what the tests need with: .ci/run --setup`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const message = preflightMessage();
  if (message) {
    console.error(message);
    process.exit(1);
  }
}
