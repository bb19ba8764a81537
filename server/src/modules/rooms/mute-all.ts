import { Injectable } from '@nestjs/common';
import type { MuteAllResult } from '@hearth/protocol';
import { Notifier } from '../realtime/notifier';
import { RoomsService } from './rooms.service';

/**
 * Mute all: one therapist action that turns every patient's microphone off
 * (therapists keep theirs). Without `lock` patients may unmute again; with it
 * each is muted as by `moderation:mute` (locked until a therapist unlocks).
 * Each patient it changed is told who did it, so nobody wonders why.
 */
@Injectable()
export class MuteAll {
  constructor(
    private readonly rooms: RoomsService,
    private readonly notifier: Notifier,
  ) {}

  async muteAll(therapistId: string, sessionId: string, lock: boolean): Promise<MuteAllResult> {
    const therapist = this.rooms.requireTherapist(therapistId, sessionId);
    const live = this.rooms.liveSession(sessionId);
    const patients = live ? live.present().filter((m) => m.role === 'patient') : [];
    const muted: string[] = [];
    let alreadyMuted = 0;
    for (const p of patients) {
      // What the patient had before: a change is a mic that was on, or (with lock) one not yet locked.
      const changes = lock ? !p.micLocked : p.micOn;
      if (!changes) {
        alreadyMuted++;
        continue;
      }
      if (lock) await this.rooms.mute(therapistId, sessionId, p.userId, true);
      else await this.rooms.turnMicOff(therapistId, sessionId, p.userId);
      muted.push(p.userId);
      this.notifier.toUser(p.userId, 'moderation:mutedByTherapist', { sessionId, byName: therapist.displayName, locked: lock });
    }
    return { muted, alreadyMuted, locked: lock };
  }
}
