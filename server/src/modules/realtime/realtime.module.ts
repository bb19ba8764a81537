import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RoomsModule } from '../rooms/rooms.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { SchedulingSessionDirectory } from '../scheduling/session-directory.adapter';
import { NotifierModule } from './notifier.module';
import { RealtimeGateway } from './realtime.gateway';
import { RoomsGateway } from './rooms.gateway';

/** socket.io lives here only: the gateways, which hand each event to a feature service. */
@Module({
  imports: [AuthModule, NotifierModule, RoomsModule.register(SchedulingSessionDirectory, [SchedulingModule])],
  providers: [RealtimeGateway, RoomsGateway],
  exports: [RealtimeGateway],
})
export class RealtimeModule {}
