import { Global, Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { ClusterReplicationService } from './cluster-replication.service';

/**
 * Cluster replication rules, their queue and worker (cluster-replication.service.ts). A module of
 * its own because it hooks into the object change transactions of src/events; global, so that the
 * S3 port's failover and the metrics can ask it without importing it.
 */
@Global()
@Module({ imports: [EventsModule], providers: [ClusterReplicationService], exports: [ClusterReplicationService] })
export class ClusterReplicationModule {}
