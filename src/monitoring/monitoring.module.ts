import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsHistoryService } from './metrics-history.service';
import { ProfilingService } from './profiling.service';
import { StorageStatsService } from './storage-stats.service';
import { SystemMetricsService } from './system-metrics.service';

/**
 * What the console's metrics, performance and profiling pages read: system figures (CPU, memory,
 * disk), storage per tenant and bucket, the sampler that keeps the metrics history in the
 * database, and CPU/heap profiles of the process. The S3 request figures live in MetricsService.
 */
@Module({
  imports: [MetricsModule],
  providers: [SystemMetricsService, StorageStatsService, MetricsHistoryService, ProfilingService],
  exports: [MetricsModule, SystemMetricsService, StorageStatsService, MetricsHistoryService, ProfilingService],
})
export class MonitoringModule {}
