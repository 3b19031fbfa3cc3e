/** Response shapes the pages read (the OpenAPI document types requests; bodies are described here). */
export type Role = 'admin' | 'tenant-admin' | 'user';

export interface User {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  status: 'active' | 'inactive';
  tenant_id: string | null;
  tenant_name: string | null;
  policies: string[];
  two_factor_enabled: boolean;
  locked: boolean;
  locked_until: string | null;
  failed_login_attempts: number;
  last_login_at: string | null;
  created_at: string;
}

export interface Session {
  token: string;
  expires_in: number;
  expires_at: string;
  user: User;
}

export interface Ok<T> {
  success: true;
  data: T;
}
export interface Pagination {
  page: number;
  page_size: number;
  total: number;
  total_pages: number;
}
export interface Paged<T> extends Ok<T[]> {
  pagination: Pagination;
}

export interface Bucket {
  name: string;
  tenant_id: string | null;
  tenant_name: string | null;
  owner: string;
  region: string;
  created_at: string;
  object_count: number;
  size: number;
  version_count: number;
  versioning: 'Enabled' | 'Suspended' | null;
  object_lock_enabled: boolean;
  has_policy?: boolean;
  is_public?: boolean;
}

export interface ObjectEntry {
  key: string;
  size: number;
  etag: string;
  last_modified: string;
  content_type: string;
  version_id: string | null;
  is_latest: boolean;
  is_delete_marker: boolean;
  tag_count: number;
  retention: { mode: string; retain_until: string } | null;
  legal_hold: string | null;
  metadata: Record<string, string>;
}

export interface ObjectList {
  objects: ObjectEntry[];
  common_prefixes: string[];
  is_truncated: boolean;
  next_continuation_token: string | null;
}

export interface AccessKey {
  id: string;
  access_key_id: string;
  user_id: string;
  username: string;
  status: string;
  created_at: string;
  last_used_at: string | null;
  secret_access_key?: string;
}

export interface Tenant {
  id: string;
  name: string;
  display_name?: string | null;
  status: string;
  max_storage_bytes: number | null;
  max_buckets: number | null;
  max_objects: number | null;
  created_at: string;
}

export interface AuditRecord {
  id: string;
  timestamp: string;
  tenant_id: string | null;
  user_id: string | null;
  username: string | null;
  source_ip: string | null;
  event_type: string;
  resource_type: string;
  resource_name: string | null;
  action: string;
  status: string;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

export interface Setting {
  key: string;
  category: string;
  type: string;
  value: unknown;
  default_value: unknown;
  is_default: boolean;
  description: string;
  min?: number;
  max?: number;
  unit?: string;
  enum?: string[];
  editable: boolean;
}

export interface OidcProvider {
  id: string;
  name: string;
  display_name: string | null;
  login_url: string;
}
