import { loadConfig } from '../config/load-config';
import { logFilePathProblem, parseSettingValue, SETTINGS, settingDefinition } from './settings.catalog';

const def = (key: string) => {
  const d = settingDefinition(key);
  if (!d) throw new Error(`no setting ${key}`);
  return d;
};

describe('settings catalog', () => {
  it('has unique keys, and every default is valid for its own definition', () => {
    const config = loadConfig({});
    expect(new Set(SETTINGS.map((d) => d.key)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((d) => `${d.category}.${d.name}`)).size).toBe(SETTINGS.length);
    for (const d of SETTINGS) expect(parseSettingValue(d, d.defaultValue(config))).toEqual({ value: d.defaultValue(config) });
  });

  it('takes defaults from the configuration', () => {
    const config = loadConfig({
      PASSWORD_MIN_LENGTH: '12',
      LOGIN_LOCKOUT_SECONDS: '90',
      METRICS_SAMPLE_INTERVAL_SECONDS: '30',
      LOG_LEVEL: 'debug',
    });
    expect(def('password_min_length').defaultValue(config)).toBe(12);
    expect(def('lockout_minutes').defaultValue(config)).toBe(2);
    expect(def('metrics_sample_interval').defaultValue(config)).toBe(30);
    expect(def('log_level').defaultValue(config)).toBe('debug');
  });

  it('finds a setting by its key or by category.name', () => {
    expect(settingDefinition('system.maintenance_mode')).toBe(settingDefinition('maintenance_mode'));
    expect(settingDefinition('audit.retention_days')?.key).toBe('audit_retention_days');
    expect(settingDefinition('nope')).toBeUndefined();
  });

  it('parses booleans and integers, also sent as strings', () => {
    expect(parseSettingValue(def('maintenance_mode'), true)).toEqual({ value: true });
    expect(parseSettingValue(def('maintenance_mode'), 'false')).toEqual({ value: false });
    expect(parseSettingValue(def('maintenance_mode'), 'ON')).toEqual({ value: true });
    expect(parseSettingValue(def('session_ttl'), '3600')).toEqual({ value: 3600 });
    expect(parseSettingValue(def('log_level'), 'warn')).toEqual({ value: 'warn' });
  });

  it('says why a value is refused', () => {
    expect(parseSettingValue(def('maintenance_mode'), 'maybe')).toEqual({ error: 'maintenance_mode must be true or false, got "maybe"' });
    expect(parseSettingValue(def('password_min_length'), 2)).toEqual({ error: 'password_min_length must be between 4 and 128, got 2' });
    expect(parseSettingValue(def('password_min_length'), 8.5)).toEqual({ error: 'password_min_length must be a whole number, got 8.5' });
    expect(parseSettingValue(def('log_level'), 'loud')).toEqual({
      error: 'log_level must be one of error, warn, log, debug, verbose, got "loud"',
    });
    expect(parseSettingValue(def('metrics_sample_interval'), 3)).toEqual({
      error: 'metrics_sample_interval must be 0 (off) or at least 5 seconds',
    });
    expect(parseSettingValue(def('http_log_url'), 'ftp://x')).toEqual({ error: 'http_log_url must be an http(s) URL' });
    expect(parseSettingValue(def('maintenance_message'), 5)).toEqual({ error: 'maintenance_message must be a string, got 5' });
    expect(parseSettingValue(def('session_ttl'), undefined)).toEqual({ error: 'session_ttl must be a whole number, got nothing' });
  });

  it('keeps log file paths inside DATA_DIR/logs', () => {
    expect(logFilePathProblem('server.log')).toBeUndefined();
    expect(logFilePathProblem('a/b.log')).toBeUndefined();
    expect(logFilePathProblem('../x.log')).toBeDefined();
    expect(logFilePathProblem('a/../../x.log')).toBeDefined();
    expect(logFilePathProblem('/etc/passwd')).toBeDefined();
    expect(logFilePathProblem('C:\\x.log')).toBeDefined();
  });
});
