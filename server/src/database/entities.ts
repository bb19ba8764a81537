import { CheckinAnswerRecord } from '../modules/checkins/entities/checkin-answer.entity';
import { CheckinRecord } from '../modules/checkins/entities/checkin.entity';
import { ChatMessageRecord } from '../modules/chat/entities/chat-message.entity';
import { CrisisEventRecord } from '../modules/crisis/entities/crisis-event.entity';
import { RoleplayExerciseRecord, RoleplayFeedbackRecord, RoleplayRoundRecord } from '../modules/roleplay/entities/exercise.entity';
import { RoleplayScenarioRecord } from '../modules/roleplay/entities/scenario.entity';
import { AuthSession } from '../modules/auth/entities/auth-session.entity';
import { AttendanceSegment } from '../modules/rooms/entities/attendance-segment.entity';
import { SafetyCheckRecord } from '../modules/rooms/entities/safety-check.entity';
import { SessionEnding } from '../modules/rooms/entities/session-ending.entity';
import { SCHEDULING_ENTITIES } from '../modules/scheduling/entities';
import { User } from '../modules/users/entities/user.entity';
import { GuestInviteEntity } from '../modules/guests/entities/guest-invite.entity';

/** Every TypeORM entity; a module adds its own here. */
export const ENTITIES = [
  User,
  AuthSession,
  ...SCHEDULING_ENTITIES,
  AttendanceSegment,
  SafetyCheckRecord,
  SessionEnding,
  ChatMessageRecord,
  CheckinRecord,
  CheckinAnswerRecord,
  CrisisEventRecord,
  RoleplayScenarioRecord,
  RoleplayExerciseRecord,
  RoleplayRoundRecord,
  RoleplayFeedbackRecord,
  GuestInviteEntity,
];
