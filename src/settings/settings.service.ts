import { Inject, Injectable, Logger, LogLevel, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { In } from 'typeorm';
import { CacheInvalidation } from '../common/cache-invalidation';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { NotificationBus } from '../notifications/notification-bus';
import { NOTIFICATION } from '../notifications/notification.types';
import { SettingEntity } from './entities/setting.entity';
import {
  LOG_LEVELS,
  parseSettingValue,
  SETTINGS,
  SettingCategory,
  SettingDefinition,
  settingDefinition,
  SettingType,
  SettingValue,
} from './settings.catalog';

/** A setting as the console shows it. */
export interface SettingView {
  key: string;
  category: SettingCategory;
  name: string;
  type: SettingType;
  value: SettingValue;
  defaultValue: SettingValue;
  isDefault: boolean;
  description: string;
  min?: number;
  max?: number;
  options?: readonly string[];
  maxLength?: number;
  unit?: string;
  overrides?: string;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** Told about every value that changed, on this node (a PUT) or on another one (seen by the refresh). */
export type SettingsListener = (changed: ReadonlyMap<string, SettingValue>) => void;

interface Stored {
  value: SettingValue;
  updatedAt: number;
  updatedBy: string | null;
}

/** Other nodes' changes are seen within this long. */
export const SETTINGS_REFRESH_MS = 2_000;

/**
 * Runtime settings, stored in the database (a row only for a value changed from its default).
 * Reads are synchronous and served from memory: the whole table is reloaded every 2 s, so hot
 * paths (maintenanceMode() on every S3 write) cost a map lookup, and a change made on another
 * node applies here within 2 s (at once on the node that made it).
 */
@Injectable()
export class SettingsService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SettingsService.name);
  private stored = new Map<string, Stored>();
  private readonly listeners = new Set<SettingsListener>();
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    @Optional() private readonly notifications?: NotificationBus,
    @Optional() private readonly invalidation?: CacheInvalidation,
  ) {
    // Another node changed a setting: reload now (after a reload in flight, which may predate the change).
    this.invalidation?.on('settings', () => {
      const again = () => this.refresh().catch((err) => this.logger.warn(`reloading settings failed: ${err}`));
      void (this.refreshing ? this.refreshing.then(again, again) : again());
    });
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    const level = this.stored.get('log_level');
    if (level) applyLogLevel(level.value as string);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.refresh().catch((err) => this.logger.warn(`reloading settings failed: ${err}`));
    }, SETTINGS_REFRESH_MS);
    this.timer.unref();
  }

  /** Stops reloading; a reload in flight finishes before the database closes. */
  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refreshing?.catch(() => undefined);
  }

  /** The current value of a setting (stored, or its default). Synchronous: from memory. */
  get(key: string): SettingValue {
    const def = this.definition(key);
    return this.stored.get(def.key)?.value ?? def.defaultValue(this.config);
  }

  getNumber(key: string): number {
    return Number(this.get(key));
  }

  getBoolean(key: string): boolean {
    return this.get(key) === true;
  }

  /** Maintenance mode: S3 writes are refused with 503 while it is on. At most 2 s stale across nodes. */
  maintenanceMode(): boolean {
    return this.stored.get('maintenance_mode')?.value === true;
  }

  maintenanceMessage(): string {
    return String(this.get('maintenance_message'));
  }

  /** Every setting, or those of one category, in catalog order. */
  list(category?: SettingCategory): SettingView[] {
    return SETTINGS.filter((d) => category === undefined || d.category === category).map((d) => this.view(d));
  }

  /** One setting, or undefined when the key names none. */
  find(key: string): SettingView | undefined {
    const def = settingDefinition(key);
    return def && this.view(def);
  }

  /**
   * Validates and stores a value (InvalidInput with the reason otherwise); tells the listeners and
   * the notification stream. Setting a value equal to the default still stores it (it then stays
   * put when the configuration's default changes).
   */
  async set(key: string, raw: unknown, actor: string | null): Promise<SettingView> {
    const def = settingDefinition(key);
    if (!def) throw new DomainError('InvalidInput', `there is no setting ${key}`);
    const parsed = parseSettingValue(def, raw);
    if ('error' in parsed) throw new DomainError('InvalidInput', parsed.error);
    const before = this.get(def.key);
    const row: SettingEntity = {
      key: def.key,
      value: JSON.stringify(parsed.value),
      updatedAt: this.clock.now().getTime(),
      updatedBy: actor,
    };
    await this.db.tx((m) => m.upsert(SettingEntity, row, ['key']));
    this.stored.set(def.key, { value: parsed.value, updatedAt: row.updatedAt, updatedBy: actor });
    this.invalidation?.invalidate('settings', def.key);
    if (before !== parsed.value) {
      this.changed(new Map([[def.key, parsed.value]]));
      this.announce([{ key: def.key, old: before, value: parsed.value }], actor);
    }
    return this.view(def);
  }

  /** Back to the defaults: every setting, or one category's. Returns the keys whose value changed. */
  async reset(category: SettingCategory | undefined, actor: string | null): Promise<string[]> {
    const defs = SETTINGS.filter((d) => category === undefined || d.category === category);
    const before = new Map(defs.map((d) => [d.key, this.get(d.key)]));
    await this.db.tx((m) => m.delete(SettingEntity, { key: In(defs.map((d) => d.key)) }));
    for (const d of defs) this.stored.delete(d.key);
    this.invalidation?.invalidate('settings', '*');
    const changes = defs
      .filter((d) => before.get(d.key) !== this.get(d.key))
      .map((d) => ({ key: d.key, old: before.get(d.key)!, value: this.get(d.key) }));
    if (changes.length > 0) {
      this.changed(new Map(changes.map((c) => [c.key, c.value])));
      this.announce(changes, actor);
    }
    return changes.map((c) => c.key);
  }

  /** Listens to value changes (e.g. the metrics sampler rescheduling itself); returns the unsubscribe function. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Reloads the table; changes made by other nodes reach the listeners here. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async load(): Promise<void> {
    if (!this.db.dataSource.isInitialized) return;
    const rows = await this.db.repo(SettingEntity).find();
    const next = new Map<string, Stored>();
    for (const r of rows) {
      const def = settingDefinition(r.key);
      if (!def) continue; // a setting of a newer version, or one since removed
      let parsed: ReturnType<typeof parseSettingValue>;
      try {
        parsed = parseSettingValue(def, JSON.parse(r.value));
      } catch {
        parsed = { error: 'is not JSON' };
      }
      if ('error' in parsed) {
        this.logger.warn(`stored setting ${r.key} is invalid (${parsed.error}); its default applies`);
        continue;
      }
      next.set(def.key, { value: parsed.value, updatedAt: r.updatedAt, updatedBy: r.updatedBy });
    }
    const changed = new Map<string, SettingValue>();
    for (const def of SETTINGS) {
      const was = this.stored.get(def.key)?.value ?? def.defaultValue(this.config);
      const now = next.get(def.key)?.value ?? def.defaultValue(this.config);
      if (was !== now) changed.set(def.key, now);
    }
    this.stored = next;
    if (changed.size > 0) this.changed(changed);
  }

  private changed(values: ReadonlyMap<string, SettingValue>): void {
    const level = values.get('log_level');
    if (level !== undefined) applyLogLevel(String(level));
    for (const listener of this.listeners) {
      try {
        listener(values);
      } catch (err) {
        this.logger.warn(`a settings listener failed: ${err}`);
      }
    }
  }

  private announce(changes: Array<{ key: string; old: SettingValue; value: SettingValue }>, actor: string | null): void {
    if (!this.notifications) return;
    this.notifications.publish({
      type: NOTIFICATION.settingsChanged,
      tenantId: null,
      audience: 'admins',
      data: { changes, by: actor },
    });
    const maintenance = changes.find((c) => c.key === 'maintenance_mode');
    if (maintenance) {
      this.notifications.publish({
        type: NOTIFICATION.maintenanceToggled,
        tenantId: null,
        audience: 'all',
        data: { maintenance_mode: maintenance.value, message: this.maintenanceMessage(), by: actor },
      });
    }
  }

  private definition(key: string): SettingDefinition {
    const def = settingDefinition(key);
    if (!def) throw new Error(`unknown setting ${key}`);
    return def;
  }

  private view(def: SettingDefinition): SettingView {
    const s = this.stored.get(def.key);
    const defaultValue = def.defaultValue(this.config);
    return {
      key: def.key,
      category: def.category,
      name: def.name,
      type: def.type,
      value: s?.value ?? defaultValue,
      defaultValue,
      isDefault: s === undefined,
      description: def.description,
      min: def.min,
      max: def.max,
      options: def.options,
      maxLength: def.maxLength,
      unit: def.unit,
      overrides: def.overrides,
      updatedAt: s ? new Date(s.updatedAt) : null,
      updatedBy: s?.updatedBy ?? null,
    };
  }
}

/**
 * Applies a log level to the process logger through Nest's Logger.overrideLogger(levels), which
 * calls the logger's setLogLevels(). The logger decides whether it honours it (see the report on
 * AppLogger: it needs a setLogLevels method for the setting to take effect at runtime).
 */
function applyLogLevel(level: string): void {
  const i = (LOG_LEVELS as readonly string[]).indexOf(level);
  if (i < 0) return;
  const levels: LogLevel[] = ['fatal', ...(LOG_LEVELS.slice(0, i + 1) as LogLevel[])];
  Logger.overrideLogger(levels);
}
