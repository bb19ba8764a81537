import type { SessionInfo } from '@hearth/protocol';
import type { Principal } from '../auth/auth.service';

/** What the rooms module needs to know about a scheduled session and one user in it. */
export interface JoinContext {
  session: SessionInfo;
  /** The user's part in this session; 'none' when not on its roster. */
  role: 'therapist' | 'patient' | 'none';
  /** Inside the join window (default 15 min before start until the end). */
  joinWindowOpen: boolean;
  /** The name others in this session see (display-name policy). */
  displayName: string;
  /** A family guest (enters as a patient does; consents, but has no safety check to give). */
  guest?: boolean;
}

/** Port implemented by the scheduling module. */
export abstract class SessionDirectory {
  abstract getJoinContext(sessionId: string, userId: string, now: Date): Promise<JoinContext | null>;
  /** Whether this user runs the session (one of its therapists, or an admin of its program). */
  abstract managesSession(sessionId: string, user: Principal): Promise<boolean>;
}
