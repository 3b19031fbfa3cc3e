/** The console API's path prefix (no leading slash, as Nest routes take it). */
export const CONSOLE_PREFIX = 'api/v1';
/** The same as a mount path for Express middleware. */
export const CONSOLE_MOUNT = `/${CONSOLE_PREFIX}`;
export const OPENAPI_JSON_PATH = `${CONSOLE_PREFIX}/openapi.json`;
export const SWAGGER_UI_PATH = `${CONSOLE_PREFIX}/docs`;
/** Name of the passport strategy that verifies console bearer tokens. */
export const CONSOLE_JWT_STRATEGY = 'console-jwt';
/** Response header carrying the request id (also in error bodies and audit records). */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Route metadata keys of the console decorators (decorators.ts). */
export const PUBLIC_KEY = 'console:public';
export const ROLES_KEY = 'console:roles';
export const AUDIT_KEY = 'console:audit';

/** Default and largest page sizes of every console list. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** resource_type values of the audit records the console writes. */
export const AUDIT_RESOURCE = {
  auth: 'auth',
  twoFactor: '2fa',
  user: 'user',
  accessKey: 'access_key',
  policy: 'policy',
  tenant: 'tenant',
  auditLog: 'audit_log',
  system: 'system',
  identityProvider: 'identity_provider',
  groupMapping: 'group_mapping',
} as const;

/** action values of the audit records the console writes (with AUDIT_RESOURCE: event_type = `<resource>.<action>`). */
export const AUDIT_ACTION = {
  login: 'login',
  logout: 'logout',
  refresh: 'refresh',
  create: 'create',
  read: 'read',
  update: 'update',
  delete: 'delete',
  changePassword: 'change_password',
  setStatus: 'set_status',
  unlock: 'unlock',
  setup: 'setup',
  enable: 'enable',
  validate: 'validate',
  disable: 'disable',
  regenerateBackupCodes: 'regenerate_backup_codes',
  test: 'test',
  sync: 'sync',
  search: 'search',
  import: 'import',
  ssoStart: 'sso_start',
  ssoCallback: 'sso_callback',
  ssoLogin: 'sso_login',
} as const;
