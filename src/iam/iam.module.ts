import { Module } from '@nestjs/common';
import { BucketsModule } from '../buckets/buckets.module';
import { AuthorizationService } from './authorization.service';
import { IamService } from './iam.service';
import { UsersService } from './users.service';

@Module({
  imports: [BucketsModule],
  providers: [IamService, UsersService, AuthorizationService],
  exports: [IamService, UsersService, AuthorizationService],
})
export class IamModule {}
