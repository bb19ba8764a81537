import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttendanceRecorder } from './attendance-recorder';
import { AttendanceSegment } from './entities/attendance-segment.entity';
import { SafetyCheckRecord } from './entities/safety-check.entity';
import { SessionEnding } from './entities/session-ending.entity';
import { SessionLeases } from '../cluster/session-leases';
import { LiveStateStore } from './live-state/live-state.store';
import { Admission } from './admission';
import { LiveRooms } from './live-rooms';
import { MediaPolicy } from './media-policy';
import { Presence } from './presence';
import { RoomPushes } from './room-pushes';
import { RoomsService } from './rooms.service';
import { SafetyCheckRecorder } from './safety-check-recorder';
import { SessionHosting } from './session-hosting';
import { SessionMedia } from './session-media';
import { MuteAll } from './mute-all';
import { PlacementController } from './placement.controller';
import { SafetyCheckController } from './safety-check.controller';
import { SessionHandover } from './session-handover';
import { SessionPlacement } from './session-placement';
import { SessionDirectory } from './session-directory';

/** Live session lifecycle: lobby, admission, presence, moderation, attendance segments. */
@Module({})
export class RoomsModule {
  /** `directory` implements SessionDirectory; `imports` must export it (the scheduling module does). */
  static register(directory: Type<SessionDirectory>, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: RoomsModule,
      imports: [TypeOrmModule.forFeature([AttendanceSegment, SafetyCheckRecord, SessionEnding]), ...imports],
      controllers: [SafetyCheckController, PlacementController],
      providers: [
        RoomsService,
        MuteAll,
        // RoomsService's collaborators (see its JSDoc); features call RoomsService only.
        LiveRooms,
        RoomPushes,
        MediaPolicy,
        SessionMedia,
        Presence,
        SessionHosting,
        SafetyCheckRecorder,
        Admission,
        AttendanceRecorder,
        LiveStateStore,
        SessionPlacement,
        SessionLeases,
        SessionHandover,
        { provide: SessionDirectory, useExisting: directory },
      ],
      exports: [RoomsService, MuteAll, LiveStateStore, SessionPlacement],
    };
  }
}
