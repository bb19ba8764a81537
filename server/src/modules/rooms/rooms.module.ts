import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttendanceRecorder } from './attendance-recorder';
import { AttendanceSegment } from './entities/attendance-segment.entity';
import { SafetyCheckRecord } from './entities/safety-check.entity';
import { SessionEnding } from './entities/session-ending.entity';
import { RoomsService } from './rooms.service';
import { SafetyCheckController } from './safety-check.controller';
import { SessionDirectory } from './session-directory';

/** Live session lifecycle: lobby, admission, presence, moderation, attendance segments. */
@Module({})
export class RoomsModule {
  /** `directory` implements SessionDirectory; `imports` must export it (the scheduling module does). */
  static register(directory: Type<SessionDirectory>, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: RoomsModule,
      imports: [TypeOrmModule.forFeature([AttendanceSegment, SafetyCheckRecord, SessionEnding]), ...imports],
      controllers: [SafetyCheckController],
      providers: [RoomsService, AttendanceRecorder, { provide: SessionDirectory, useExisting: directory }],
      exports: [RoomsService],
    };
  }
}
