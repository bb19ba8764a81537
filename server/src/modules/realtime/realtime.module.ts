import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { NotifierModule } from './notifier.module';
import { RealtimeGateway } from './realtime.gateway';

@Module({ imports: [AuthModule, NotifierModule], providers: [RealtimeGateway], exports: [RealtimeGateway] })
export class RealtimeModule {}
