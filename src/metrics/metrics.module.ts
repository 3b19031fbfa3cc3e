import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { makeCounterProvider, makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { ApiRequestsMiddleware } from './api-requests.middleware';
import { METRIC, MetricsService } from './metrics.service';
import { StorageGauges } from './storage-gauges';

@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } })],
  providers: [
    makeCounterProvider({
      name: METRIC.s3Operations,
      help: 'S3 operations by operation name and HTTP status',
      labelNames: ['operation', 'status'],
    }),
    makeHistogramProvider({
      name: METRIC.s3Duration,
      help: 'S3 operation latency in seconds',
      labelNames: ['operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    }),
    makeCounterProvider({
      name: METRIC.apiRequests,
      help: 'Console API requests by method and route pattern',
      labelNames: ['method', 'endpoint'],
    }),
    MetricsService,
    StorageGauges,
  ],
  exports: [MetricsService],
})
export class MetricsModule implements NestModule {
  /** Console API requests (the console port; the S3 port is a separate server that Nest middleware never sees). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiRequestsMiddleware).forRoutes({ path: 'api/v1/*path', method: RequestMethod.ALL });
  }
}
