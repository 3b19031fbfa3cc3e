/** Object-browser path logic: prefixes, breadcrumbs and display names of keys. */

export interface Crumb {
  label: string;
  prefix: string;
}

/** "photos/2024/" → bucket, photos/, photos/2024/. */
export function breadcrumbs(bucket: string, prefix: string): Crumb[] {
  const out: Crumb[] = [{ label: bucket, prefix: '' }];
  let acc = '';
  for (const part of prefix.split('/').filter((p, i, all) => p !== '' || i < all.length - 1)) {
    acc += `${part}/`;
    out.push({ label: part === '' ? '(empty)' : part, prefix: acc });
  }
  return out;
}

/** The last segment of a key or prefix, relative to the listed prefix ("a/b/" in "a/" → "b/"). */
export function displayName(keyOrPrefix: string, prefix: string): string {
  return keyOrPrefix.startsWith(prefix) ? keyOrPrefix.slice(prefix.length) : keyOrPrefix;
}

/** The parent prefix of a prefix ("a/b/" → "a/", "a/" → ""). */
export function parentPrefix(prefix: string): string {
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? '' : trimmed.slice(0, i + 1);
}

/** The key an uploaded file gets: the current prefix + its path inside a dropped folder. */
export function uploadKey(prefix: string, relativePath: string): string {
  const clean = relativePath.replace(/\\/g, '/').replace(/^\/+/, '');
  return `${prefix}${clean}`;
}

/** A folder name typed by a person → a prefix ending in one "/" (empty when the name is unusable). */
export function folderPrefix(prefix: string, name: string): string {
  const clean = name.trim().replace(/^\/+|\/+$/g, '');
  return clean ? `${prefix}${clean}/` : '';
}
