import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { types } from 'mediasoup';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { MediaError, MediaErrorCode } from './media-error';
import { MediaRoom } from './media-room';
import { MEDIA_CODECS } from './media-types';
import { SerialQueue } from './serial-queue';
import { WorkerPool } from './worker-pool';

/**
 * The media API features call: one MediaRoom per live session, created on a
 * worker from the pool through a serial queue. Rooms on a worker that dies
 * close; their peers reconnect and the rooms are rebuilt on a live worker.
 */
@Injectable()
export class MediaService implements OnModuleDestroy {
  private readonly rooms = new Map<string, MediaRoom>();
  private readonly queue = new SerialQueue();
  private shuttingDown = false;
  private capabilities: Promise<types.RtpCapabilities> | null = null;

  constructor(
    private readonly workers: WorkerPool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The session's room, created on first use. */
  getOrCreateRoom(sessionId: string): Promise<MediaRoom> {
    if (this.shuttingDown) return Promise.reject(new MediaError(MediaErrorCode.Unavailable, 'The server is shutting down.'));
    const existing = this.rooms.get(sessionId);
    if (existing && !existing.isClosed) return Promise.resolve(existing);
    return this.queue.push(async () => {
      const again = this.rooms.get(sessionId);
      if (again && !again.isClosed) return again;
      const room = await MediaRoom.create(sessionId, await this.workers.acquireWorker(), {
        listenIp: this.config.RTC_LISTEN_IP,
        announcedAddress: this.config.RTC_ANNOUNCED_ADDRESS,
        keyFrameLog: this.config.MEDIA_KEYFRAME_LOG,
      });
      this.rooms.set(sessionId, room);
      room.once('closed', () => {
        if (this.rooms.get(sessionId) === room) this.rooms.delete(sessionId);
      });
      return room;
    });
  }

  /**
   * What every room's router can do (all routers share the same codecs, so
   * this is one answer for the whole server): lets a browser load its Device
   * before it joins anything. Learned once from a short-lived router.
   */
  routerRtpCapabilities(): Promise<types.RtpCapabilities> {
    this.capabilities ??= (async () => {
      const router = await (await this.workers.acquireWorker()).createRouter({ mediaCodecs: MEDIA_CODECS });
      const caps = router.rtpCapabilities;
      router.close();
      return caps;
    })();
    this.capabilities.catch(() => (this.capabilities = null));
    return this.capabilities;
  }

  getRoom(sessionId: string): MediaRoom | undefined {
    const room = this.rooms.get(sessionId);
    return room && !room.isClosed ? room : undefined;
  }

  closeRoom(sessionId: string): void {
    this.rooms.get(sessionId)?.close();
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  onModuleDestroy(): void {
    this.shuttingDown = true;
    for (const room of [...this.rooms.values()]) room.close();
  }
}
