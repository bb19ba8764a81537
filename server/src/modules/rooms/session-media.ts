import { Injectable, Logger } from '@nestjs/common';
import type { RoomSnapshot } from '@hearth/protocol';
import { MediaService } from '../media/media.service';
import type { MediaRoom } from '../media/media-room';
import { Notifier } from '../realtime/notifier';
import { LiveRooms, type LiveRoom } from './live-rooms';
import { MediaPolicy } from './media-policy';

/**
 * A live session's mediasoup room: opened once and wired to pushes (active
 * speaker, consumer paused/closed), rebuilt when its worker dies, and the
 * room snapshot each member receives on entering.
 */
@Injectable()
export class SessionMedia {
  private readonly logger = new Logger('Rooms');

  constructor(
    private readonly rooms: LiveRooms,
    private readonly media: MediaService,
    private readonly notifier: Notifier,
    private readonly policy: MediaPolicy,
  ) {}

  /** Media room events become pushes (once per room). */
  async wireMediaRoom(sessionId: string): Promise<MediaRoom> {
    const existing = this.media.getRoom(sessionId);
    if (existing) return existing;
    const room = await this.media.getOrCreateRoom(sessionId);
    if (room.listenerCount('activeSpeaker') === 0) {
      room.on('activeSpeaker', (userId) => this.policy.pushActiveSpeaker(this.rooms.get(sessionId), sessionId, userId));
      room.on('consumerPaused', ({ peerId, consumerId, paused }) =>
        this.notifier.toUser(peerId, 'media:consumerPaused', { sessionId, consumerId, paused }),
      );
      room.on('consumerClosed', ({ peerId, consumerId }) =>
        this.notifier.toUser(peerId, 'media:consumerClosed', { sessionId, consumerId }),
      );
      // Media policy, not therapy: the sender encodes only the layers someone watches.
      room.on('senderMaxLayer', ({ peerId, producerId, spatialLayer }) =>
        this.notifier.toUser(peerId, 'media:producerMaxLayerChanged', { sessionId, producerId, spatialLayer }),
      );
      room.once('closed', () => void this.rebuildMedia(sessionId).catch(() => undefined));
    }
    return room;
  }

  /** What `userId` sees on entering the room (or again after the media room was rebuilt). */
  async snapshot(entry: LiveRoom, userId: string): Promise<RoomSnapshot> {
    const room = await this.wireMediaRoom(entry.live.sessionId);
    const self = entry.live.member(userId);
    const isTherapist = self?.role === 'therapist';
    return {
      selfUserId: userId,
      selfRole: self?.role ?? 'patient',
      participants: entry.live.present().map((m) => entry.rules.view(entry.live, m)),
      activeSpeakerUserId: null,
      ...(isTherapist ? { lobby: entry.live.lobbyView() } : {}),
      routerRtpCapabilities: { ...room.rtpCapabilities },
      mediaPrepared: room.hasPeer(userId) && !!room.peer(userId).rtpCapabilities,
      reactionsAllowed: entry.live.reactionsAllowed,
    };
  }

  /**
   * The media room closed under a live session (its worker died): build a new
   * one and hand everyone present a fresh snapshot, so their clients
   * reconnect their media without leaving the room.
   */
  private async rebuildMedia(sessionId: string): Promise<void> {
    const entry = this.rooms.get(sessionId);
    if (!entry || entry.live.isEnded || entry.live.present().length === 0) return;
    this.logger.warn('media room closed under a live session; rebuilding it');
    for (const m of entry.live.present()) {
      if (!m.connected) continue;
      this.notifier.toUser(m.userId, 'room:admitted', { sessionId, room: await this.snapshot(entry, m.userId) });
    }
  }
}
