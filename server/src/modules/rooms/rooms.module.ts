import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttendanceRecorder } from './attendance-recorder';
import { AttendanceSegment } from './entities/attendance-segment.entity';
import { SafetyCheckRecord } from './entities/safety-check.entity';
import { SessionEnding } from './entities/session-ending.entity';
import { SessionLeases } from '../cluster/session-leases';
import { LiveStateStore } from './live-state/live-state.store';
import { RoomsService } from './rooms.service';
import { MuteAll } from './mute-all';
import { PlacementController } from './placement.controller';
import { SafetyCheckController } from './safety-check.controller';
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
      providers: [RoomsService, MuteAll, AttendanceRecorder, LiveStateStore, SessionPlacement, SessionLeases, { provide: SessionDirectory, useExisting: directory }],
      exports: [RoomsService, MuteAll, LiveStateStore, SessionPlacement],
    };
  }
}
