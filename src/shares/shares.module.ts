import { Module } from '@nestjs/common';
import { SharesService } from './shares.service';

/** Share links (console: /api/v1/shares). Serving the bytes is the console's, through ObjectsService. */
@Module({ providers: [SharesService], exports: [SharesService] })
export class SharesModule {}
