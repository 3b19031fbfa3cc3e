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
} as const;

export const OPS_AUDIT_ACTION = {
  update: 'update',
  reset: 'reset',
  sample: 'sample',
  testSyslog: 'test_syslog',
  testHttp: 'test_http',
  testFile: 'test_file',
  profile: 'profile',
} as const;
