import { Injectable } from '@nestjs/common';
import type { Member } from './domain/live-session';
import { Notifier } from '../realtime/notifier';
import type { LiveRoom } from './live-rooms';

/** The room's pushes that several collaborators send: the lobby to therapists, a participant's changed view to everyone. */
@Injectable()
export class RoomPushes {
  constructor(private readonly notifier: Notifier) {}

  lobby(entry: LiveRoom): void {
    const sessionId = entry.live.sessionId;
    this.notifier.toTherapists(sessionId, 'lobby:updated', { sessionId, waiting: entry.live.lobbyView() });
  }

  participant(entry: LiveRoom, m: Member): void {
    const sessionId = entry.live.sessionId;
    this.notifier.toSession(sessionId, {}, 'room:participantUpdated', { sessionId, participant: entry.rules.view(entry.live, m) });
  }
}
