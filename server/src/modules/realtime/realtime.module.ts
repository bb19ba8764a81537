import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CheckinsModule } from '../checkins/checkins.module';
import { ChatModule } from '../chat/chat.module';
import { CrisisModule } from '../crisis/crisis.module';
import { RoleplayModule } from '../roleplay/roleplay.module';
import { RoomsModule } from '../rooms/rooms.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { SchedulingSessionDirectory } from '../scheduling/session-directory.adapter';
import { ScreenShareModule } from '../screenshare/screenshare.module';
import { TurnsModule } from '../turns/turns.module';
import { ChatGateway } from './chat.gateway';
import { CheckinsGateway } from './checkins.gateway';
import { CrisisGateway } from './crisis.gateway';
import { FacilitationStateGateway } from './facilitation-state.gateway';
import { NotifierModule } from './notifier.module';
import { RealtimeGateway } from './realtime.gateway';
import { RoleplayGateway } from './roleplay.gateway';
import { RoomsGateway } from './rooms.gateway';
import { SessionSocketRooms } from './session-socket-rooms';
import { SocketActivity } from './socket-activity';
import { SocketConnectLimits } from './socket-connect-limits';
import { SocketEventLimits } from './socket-event-limits';
import { LimitsModule } from '../limits/limits.module';
import { ScreenShareGateway } from './screenshare.gateway';
import { TurnsGateway } from './turns.gateway';

/** Registered once and shared, so every feature gets the same RoomsService. */
const liveRooms = RoomsModule.register(SchedulingSessionDirectory, [SchedulingModule]);

/** socket.io lives here only: the gateways, which hand each event to a feature service. */
@Module({
  imports: [
    AuthModule,
    LimitsModule,
    NotifierModule,
    liveRooms,
    ChatModule.register(liveRooms),
    TurnsModule.register(liveRooms),
    CheckinsModule.register(liveRooms),
    CrisisModule.register(liveRooms),
    RoleplayModule.register(liveRooms),
    ScreenShareModule.register(liveRooms),
  ],
  providers: [RealtimeGateway, RoomsGateway, ChatGateway, TurnsGateway, CheckinsGateway, CrisisGateway, RoleplayGateway, ScreenShareGateway, FacilitationStateGateway, SessionSocketRooms, SocketEventLimits, SocketConnectLimits, SocketActivity],
  exports: [RealtimeGateway],
})
export class RealtimeModule {}
