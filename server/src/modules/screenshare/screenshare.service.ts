import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SCREEN_SHARE_SOURCES, type ScreenShareView } from '@hearth/protocol';
import { Notifier } from '../realtime/notifier';
import { RoomsService } from '../rooms/rooms.service';
import { ScreenShare, ScreenShareRuleError } from './domain/screen-share';
import { ScreenShareError } from './screenshare.error';

/**
 * Screen sharing in live sessions. ScreenShare holds the rules; this checks
 * who asks (admitted members; therapists for others' shares), tells the SFU
 * who may send a `screen` producer, closes a replaced or stopped share at the
 * SFU, and pushes the state to the room. Who receives the share is the rooms
 * service's usual rule, so side rooms and breakouts apply to it as to any media.
 */
@Injectable()
export class ScreenShareService implements OnModuleInit {
  private readonly shares = new Map<string, ScreenShare>();

  constructor(
    private readonly rooms: RoomsService,
    private readonly notifier: Notifier,
  ) {}

  onModuleInit(): void {
    // The screen and its sound (when the browser offers it) are one share: only the current sharer sends either.
    for (const source of SCREEN_SHARE_SOURCES) {
      this.rooms.setProducePolicy(source, (sessionId, userId) => this.shares.get(sessionId)?.sharerUserId === userId);
    }
    this.rooms.onPresence((e) => {
      if (e.kind === 'ended') {
        this.shares.delete(e.sessionId);
        return;
      }
      const share = this.shares.get(e.sessionId);
      if (e.kind === 'entered') {
        // Whoever comes in (or back) learns who shares now.
        if (share) this.notifier.toUser(e.userId, 'screen:stateChanged', share.view());
        return;
      }
      if (share?.departed(e.userId)) this.publish(share);
    });
  }

  state(userId: string, sessionId: string): ScreenShareView {
    this.rooms.requireAdmitted(userId, sessionId);
    return this.share(sessionId).view();
  }

  start(userId: string, sessionId: string, now = new Date()): ScreenShareView {
    const me = this.rooms.requireAdmitted(userId, sessionId);
    const share = this.share(sessionId);
    const { replaced } = this.rule(() => share.start(userId, me.role, now));
    if (replaced) this.closeShareMedia(sessionId, replaced);
    return this.publish(share);
  }

  stop(userId: string, sessionId: string, targetUserId?: string): ScreenShareView {
    const me = this.rooms.requireAdmitted(userId, sessionId);
    const share = this.share(sessionId);
    const stopped = this.rule(() => share.stop(userId, me.role, targetUserId));
    // Close at the SFU even when the state had already moved on (a stale producer never lingers).
    this.closeShareMedia(sessionId, targetUserId ?? userId);
    return stopped ? this.publish(share) : share.view();
  }

  allow(userId: string, sessionId: string, targetUserId: string, allowed: boolean): ScreenShareView {
    this.rooms.requireTherapist(userId, sessionId);
    const share = this.share(sessionId);
    const stopped = share.allow(targetUserId, allowed);
    if (stopped) this.closeShareMedia(sessionId, stopped);
    return this.publish(share);
  }

  /** A share's video and sound stop together at the SFU; everyone's consumers of them close. */
  private closeShareMedia(sessionId: string, userId: string): void {
    for (const source of SCREEN_SHARE_SOURCES) this.rooms.closeProducer(sessionId, userId, source);
  }

  private share(sessionId: string): ScreenShare {
    let share = this.shares.get(sessionId);
    if (!share) this.shares.set(sessionId, (share = new ScreenShare(sessionId)));
    return share;
  }

  private publish(share: ScreenShare): ScreenShareView {
    const view = share.view();
    this.notifier.toSession(share.sessionId, {}, 'screen:stateChanged', view);
    return view;
  }

  private rule<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ScreenShareRuleError) throw new ScreenShareError(e.code, e.message);
      throw e;
    }
  }
}
