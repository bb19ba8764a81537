import { Injectable } from '@nestjs/common';
import { SessionDirectory, type JoinContext } from '../rooms/session-directory';
import type { Principal } from '../auth/auth.service';
import { SchedulingService } from './scheduling.service';

/**
 * The rooms module's view of a session, answered from the schedule. Family
 * guests enter as patients do (through the lobby, never moderating); the full
 * context, with 'guest' and the roster, is SchedulingService.getJoinContext.
 */
@Injectable()
export class SchedulingSessionDirectory extends SessionDirectory {
  constructor(private readonly scheduling: SchedulingService) {
    super();
  }

  managesSession(sessionId: string, user: Principal): Promise<boolean> {
    return this.scheduling.managesSession(user, sessionId);
  }

  async getJoinContext(sessionId: string, userId: string, now: Date): Promise<JoinContext | null> {
    const ctx = await this.scheduling.getJoinContext(sessionId, userId, now);
    if (!ctx) return null;
    const { id, title, kind, startsAt, endsAt } = ctx.session;
    return {
      session: { id, title, kind, startsAt, endsAt },
      role: ctx.role === 'guest' ? 'patient' : ctx.role,
      joinWindowOpen: ctx.joinWindowOpen,
      displayName: ctx.displayName,
      guest: ctx.role === 'guest',
    };
  }
}
