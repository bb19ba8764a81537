import { CohortEntity, CohortTherapistEntity, EnrollmentEntity } from './cohort.entity';
import { ProgramEntity, ProgramMemberEntity, ProgramTrackEntity } from './program.entity';
import { CalendarFeedEntity, ScheduledSessionEntity, SessionGuestEntity, SessionSeriesEntity } from './session.entity';

export * from './cohort.entity';
export * from './program.entity';
export * from './session.entity';

export const SCHEDULING_ENTITIES = [
  ProgramEntity,
  ProgramMemberEntity,
  ProgramTrackEntity,
  CohortEntity,
  CohortTherapistEntity,
  EnrollmentEntity,
  SessionSeriesEntity,
  ScheduledSessionEntity,
  SessionGuestEntity,
  CalendarFeedEntity,
];
