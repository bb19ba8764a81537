import { Module } from '@nestjs/common';
import { AttendanceService } from './attendance.service';
import { NotesService } from './notes.service';
import { ProgramAttendance } from './program-attendance';
import { RecordsAccess } from './records-access';
import { RecordsController } from './records.controller';

/** Clinical records: attendance from the room's segments, CSV exports, group notes. Audits through the global AuditService. */
@Module({
  controllers: [RecordsController],
  providers: [RecordsAccess, AttendanceService, NotesService, ProgramAttendance],
})
export class RecordsModule {}
