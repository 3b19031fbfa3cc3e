/**
 * LDAP search filters built from user input. Every value that comes from outside (a username at
 * login, a search term, a DN read back from the directory) goes through escapeFilterValue, so it
 * can only ever be a value: `*)(uid=*` matches the literal string, it never widens the search.
 */

/** RFC 4515 §3: `*`, `(`, `)`, `\` and NUL are written as `\XX` (two hex digits). */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '*':
        out += '\\2a';
        break;
      case '(':
        out += '\\28';
        break;
      case ')':
        out += '\\29';
        break;
      case '\\':
        out += '\\5c';
        break;
      case '\0':
        out += '\\00';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** (&(base)(attr=value)), or the base with `{username}` replaced by the escaped value when it has that placeholder. */
export function userLookupFilter(baseFilter: string, attr: string, username: string): string {
  const escaped = escapeFilterValue(username);
  if (baseFilter.includes('{username}')) return baseFilter.split('{username}').join(escaped);
  return `(&${baseFilter}(${attr}=${escaped}))`;
}

/** The user filter with no particular user (a `{username}` placeholder becomes `*`, i.e. any). */
export function anyUserFilter(baseFilter: string): string {
  return baseFilter.split('{username}').join('*');
}

/** Users whose any of `attrs` contains `term` (substring, escaped), within the base filter; every user for an empty term. */
export function substringFilter(baseFilter: string, attrs: readonly string[], term: string): string {
  const base = anyUserFilter(baseFilter);
  const t = term.trim();
  if (t === '') return base;
  const escaped = escapeFilterValue(t);
  const any = attrs.map((a) => `(${a}=*${escaped}*)`).join('');
  return `(&${base}(|${any}))`;
}

/** Groups having `value` in attribute `attr` (a member DN, or a username for memberUid). */
export function memberFilter(groupFilter: string, attr: string, value: string): string {
  return `(&${groupFilter}(${attr}=${escapeFilterValue(value)}))`;
}
