import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** name and version of package.json (src/console and dist/console are both two levels below it). */
function readPackage(): { name: string; version: string } {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
    return { name: pkg.name ?? 'object-store', version: pkg.version ?? '0.0.0' };
  } catch {
    return { name: 'object-store', version: '0.0.0' };
  }
}

export const SERVER_PACKAGE = readPackage();
