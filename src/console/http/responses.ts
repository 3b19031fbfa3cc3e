/**
 * Success bodies of the console API. The MaxIOFS shape is `{ success: true, data }`; Strix routes
 * answer with top-level fields (`{ users: [...] }`, `{ user, access_key }`). Where one route serves
 * both, `extra` carries the Strix fields next to `success` and `data`.
 */
export interface OkBody<T> {
  success: true;
  data: T;
  [strixField: string]: unknown;
}

export interface Pagination {
  page: number;
  page_size: number;
  total: number;
  total_pages: number;
}

export interface PagedBody<T> extends OkBody<T[]> {
  pagination: Pagination;
}

export function ok<T>(data: T, extra: Record<string, unknown> = {}): OkBody<T> {
  // `success` and `data` first, and never overridden by an extra field.
  return Object.assign({ success: true as const, data }, extra, { success: true as const, data });
}

/** One page of an in-memory list (the full list is small: users, keys, tenants). */
export function paginate<T>(all: readonly T[], page: number, pageSize: number): { items: T[]; pagination: Pagination } {
  const start = (page - 1) * pageSize;
  return { items: all.slice(start, start + pageSize), pagination: pageInfo(all.length, page, pageSize) };
}

export function pageInfo(total: number, page: number, pageSize: number): Pagination {
  return { page, page_size: pageSize, total, total_pages: Math.ceil(total / pageSize) };
}

/** A page: `{ success, data: [...], pagination }`, plus Strix fields (e.g. `users` with the same items). */
export function paged<T>(items: T[], pagination: Pagination, extra: Record<string, unknown> = {}): PagedBody<T> {
  return Object.assign({ success: true as const, data: items, pagination }, extra, { success: true as const, data: items, pagination });
}
