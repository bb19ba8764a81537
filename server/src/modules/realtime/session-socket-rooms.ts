import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RoomsService } from '../rooms/rooms.service';
import { Notifier } from './notifier';

/**
 * Keeps socket.io's broadcast rooms in step with session membership: when a
 * member leaves a session for good (left, removed, reconnect grace expired) or
 * the session ends, every socket of theirs — every tab, on every server
 * process — leaves the session's rooms. Without this a second tab kept
 * receiving group chat and pushes after its member was dropped.
 */
@Injectable()
export class SessionSocketRooms implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly rooms: RoomsService,
    private readonly notifier: Notifier,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.rooms.onPresence((e) => {
      if (e.kind === 'left') this.notifier.leaveSession(e.userId, e.sessionId);
      else if (e.kind === 'ended') this.notifier.closeSession(e.sessionId);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
