import { statfs } from 'node:fs/promises';
import { cpus, freemem, hostname, loadavg, totalmem, uptime } from 'node:os';
import { resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export interface CpuMetrics {
  cores: number;
  /** This process's CPU time over the measured interval, in % of one core (can exceed 100 with worker threads). */
  processPercent: number;
  /** The whole machine's busy time over the interval, in % of all cores. */
  systemPercent: number;
  loadAverage: [number, number, number];
  /** Seconds the percentages were measured over (since the previous reading). */
  intervalSeconds: number;
}

export interface MemoryMetrics {
  process: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  system: { total: number; free: number; used: number; usedPercent: number };
}

export interface DiskMetrics {
  path: string;
  total: number;
  free: number;
  /** Free for unprivileged users (what the server can still write). */
  available: number;
  used: number;
  usedPercent: number;
}

export interface SystemMetrics {
  hostname: string;
  platform: string;
  nodeVersion: string;
  pid: number;
  uptimeSeconds: number;
  systemUptimeSeconds: number;
  cpu: CpuMetrics;
  memory: MemoryMetrics;
  disk: DiskMetrics;
}

interface CpuReading {
  at: bigint;
  usage: NodeJS.CpuUsage;
  busy: number;
  total: number;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/**
 * CPU (process.cpuUsage deltas and os.cpus() times between two readings, plus the load average),
 * memory (process and machine) and the disk holding DATA_DIR (fs.statfs). The first reading
 * measures since the process started.
 */
@Injectable()
export class SystemMetricsService {
  private last: CpuReading;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const bootedAgo = BigInt(Math.round(process.uptime() * 1e9));
    this.last = { at: process.hrtime.bigint() - bootedAgo, usage: { user: 0, system: 0 }, busy: 0, total: 0 };
  }

  async read(): Promise<SystemMetrics> {
    return {
      hostname: hostname(),
      platform: `${process.platform}-${process.arch}`,
      nodeVersion: process.version,
      pid: process.pid,
      uptimeSeconds: Math.floor(process.uptime()),
      systemUptimeSeconds: Math.floor(uptime()),
      cpu: this.cpu(),
      memory: this.memory(),
      disk: await this.disk(),
    };
  }

  cpu(): CpuMetrics {
    const now: CpuReading = { at: process.hrtime.bigint(), usage: process.cpuUsage(), ...machineTimes() };
    const elapsedUs = Number(now.at - this.last.at) / 1000;
    const usedUs = now.usage.user - this.last.usage.user + (now.usage.system - this.last.usage.system);
    const busy = now.busy - this.last.busy;
    const total = now.total - this.last.total;
    this.last = now;
    const [l1, l5, l15] = loadavg();
    return {
      cores: cpus().length,
      processPercent: elapsedUs > 0 ? round2((usedUs / elapsedUs) * 100) : 0,
      systemPercent: total > 0 ? round2((busy / total) * 100) : 0,
      loadAverage: [round2(l1), round2(l5), round2(l15)],
      intervalSeconds: round2(elapsedUs / 1e6),
    };
  }

  memory(): MemoryMetrics {
    const m = process.memoryUsage();
    const total = totalmem();
    const free = freemem();
    return {
      process: { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers },
      system: { total, free, used: total - free, usedPercent: total > 0 ? round2(((total - free) / total) * 100) : 0 },
    };
  }

  async disk(): Promise<DiskMetrics> {
    const path = resolve(this.config.dataDir);
    const s = await statfs(path);
    const total = s.blocks * s.bsize;
    const free = s.bfree * s.bsize;
    const available = s.bavail * s.bsize;
    const used = total - free;
    return { path, total, free, available, used, usedPercent: total > 0 ? round2((used / total) * 100) : 0 };
  }
}
