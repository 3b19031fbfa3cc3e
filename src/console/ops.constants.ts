/**
 * Audit names of the operations routes (metrics, performance, settings, logging, profiling): the
 * resource_type and action of their records, as console.constants.ts has for the others.
 */
export const OPS_AUDIT_RESOURCE = {
  setting: 'setting',
  metrics: 'metrics',
  performance: 'performance',
  logging: 'logging',
  profiling: 'profiling',
  cluster: 'cluster',
  clusterNode: 'cluster_node',
  clusterMigration: 'cluster_migration',
} as const;

export const OPS_AUDIT_ACTION = {
  update: 'update',
  reset: 'reset',
  sample: 'sample',
  testSyslog: 'test_syslog',
  testHttp: 'test_http',
  testFile: 'test_file',
  profile: 'profile',
  create: 'create',
  delete: 'delete',
  join: 'join',
  leave: 'leave',
  initialize: 'initialize',
  healthCheck: 'health_check',
  clearCache: 'clear_cache',
} as const;
