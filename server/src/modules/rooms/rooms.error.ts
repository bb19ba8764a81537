import { assertUnreachable, DomainError } from '../../common/domain-error';

export enum RoomErrorCode {
  SessionNotFound = 'session_not_found',
  NotAParticipant = 'not_a_participant',
  JoinWindowClosed = 'join_window_closed',
  SessionEnded = 'session_ended',
  SafetyCheckRequired = 'safety_check_required',
  ConsentRequired = 'consent_required',
  NotAdmitted = 'not_admitted',
  NotModerator = 'not_moderator',
  NotInRoom = 'not_in_room',
  MicLocked = 'mic_locked',
  /** Talking-stick mode: only the floor holder (and therapists) may unmute. */
  FloorNotHeld = 'floor_not_held',
  /** A source beyond mic and camera (the screen share) its feature does not allow this member to send. */
  SourceNotAllowed = 'source_not_allowed',
  /** Cluster: another node hosts this session; the body names it (`hostNodeId`). */
  SessionElsewhere = 'session_elsewhere',
  /** Cluster: the node cannot reach Redis to place a session now. */
  PlacementUnavailable = 'placement_unavailable',
  /** A therapist turned reactions off for the session. */
  ReactionsOff = 'reactions_off',
}

export class RoomError extends DomainError<RoomErrorCode> {
  /** For `session_elsewhere`: the node to reconnect to. */
  hostNodeId?: string;

  static elsewhere(hostNodeId: string): RoomError {
    const e = new RoomError(RoomErrorCode.SessionElsewhere, 'This session runs on another server: reconnecting there.');
    e.hostNodeId = hostNodeId;
    return e;
  }

  protected override extraBody() {
    return this.hostNodeId ? { hostNodeId: this.hostNodeId } : {};
  }

  get httpStatus(): number {
    switch (this.code) {
      case RoomErrorCode.SessionNotFound:
        return 404;
      case RoomErrorCode.NotAParticipant:
      case RoomErrorCode.NotModerator:
      case RoomErrorCode.NotAdmitted:
      case RoomErrorCode.NotInRoom:
      case RoomErrorCode.MicLocked:
      case RoomErrorCode.FloorNotHeld:
      case RoomErrorCode.SourceNotAllowed:
        return 403;
      case RoomErrorCode.JoinWindowClosed:
      case RoomErrorCode.SessionEnded:
      case RoomErrorCode.ReactionsOff:
      case RoomErrorCode.SessionElsewhere:
        return 409;
      case RoomErrorCode.PlacementUnavailable:
        return 503;
      case RoomErrorCode.SafetyCheckRequired:
      case RoomErrorCode.ConsentRequired:
        return 400;
      default:
        return assertUnreachable(this.code);
    }
  }
}
