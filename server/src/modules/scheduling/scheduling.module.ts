import { Module } from '@nestjs/common';
import { AdminSchedulingController } from './admin.controller';
import { CalendarController } from './calendar.controller';
import { CohortsController } from './cohorts.controller';
import { MeController } from './me.controller';
import { ProgramsController } from './programs.controller';
import { SchedulingSessionDirectory } from './session-directory.adapter';
import { SchedulingService } from './scheduling.service';
import { SessionsController } from './sessions.controller';

/**
 * Programs → cohorts → enrollments, recurring and one-off sessions, 1:1s,
 * schedules, week hours and calendar feeds. Exports SchedulingService
 * (getJoinContext) and SchedulingSessionDirectory, the rooms module's port.
 */
@Module({
  controllers: [AdminSchedulingController, CohortsController, SessionsController, ProgramsController, MeController, CalendarController],
  providers: [SchedulingService, SchedulingSessionDirectory],
  exports: [SchedulingService, SchedulingSessionDirectory],
})
export class SchedulingModule {}
