import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { types } from 'mediasoup';
import {
  admitSchema,
  connectTransportSchema,
  consumerRefSchema,
  consumerVisibleSchema,
  createTransportSchema,
  mediaCapabilitiesSchema,
  mediaPrepareSchema,
  mediaWarmSchema,
  preferredLayersSchema,
  produceSchema,
  restartIceSchema,
  roomJoinSchema,
  selfMediaSchema,
  sessionRefSchema,
  setRtpCapabilitiesSchema,
  targetUserSchema,
  muteAllSchema,
  reactSchema,
  reactionsAllowedSchema,
  type Ack,
  type MuteAllResult,
  type JoinResult,
  type MediaPrepared,
  type MediaWarmed,
  type TransportInfo,
} from '@hearth/protocol';
import { RoomsService } from '../rooms/rooms.service';
import { MuteAll } from '../rooms/mute-all';
import { SerialQueue } from '../media/serial-queue';
import { handleRequest } from './ack';
import type { HearthSocket } from './realtime.gateway';

type Empty = Record<string, never>;
const EMPTY: Empty = {};

/**
 * Live-room events. Thin: validate, identify the caller from the handshake
 * (never from the payload), call RoomsService, ack.
 */
@WebSocketGateway()
export class RoomsGateway implements OnGatewayDisconnect<HearthSocket> {
  /** One join at a time per user: repeated joins see the previous one's outcome (idempotent, one safety-check row). */
  private readonly joining = new Map<string, { queue: SerialQueue; pending: number }>();

  constructor(
    private readonly rooms: RoomsService,
    private readonly muteAllPatients: MuteAll,
  ) {}

  private oneAtATime<T>(userId: string, task: () => Promise<T>): Promise<T> {
    let slot = this.joining.get(userId);
    if (!slot) this.joining.set(userId, (slot = { queue: new SerialQueue(), pending: 0 }));
    slot.pending++;
    const s = slot;
    return s.queue.push(task).finally(() => {
      if (--s.pending === 0 && this.joining.get(userId) === s) this.joining.delete(userId);
    });
  }

  handleDisconnect(socket: HearthSocket): void {
    if (socket.data.userId) void this.rooms.disconnected(socket.data.userId, socket.id).catch(() => undefined);
  }

  @SubscribeMessage('room:join')
  join(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<JoinResult>> {
    return handleRequest('room:join', roomJoinSchema, p, (r) => this.oneAtATime(s.data.userId, () => this.rooms.join(s.data.userId, s.id, r)));
  }

  @SubscribeMessage('room:leave')
  leave(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('room:leave', sessionRefSchema, p, async (r) => {
      await this.rooms.leave(s.data.userId, r.sessionId);
      return EMPTY;
    });
  }

  @SubscribeMessage('room:end')
  end(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('room:end', sessionRefSchema, p, async (r) => {
      await this.rooms.end(s.data.userId, r.sessionId);
      return EMPTY;
    });
  }

  @SubscribeMessage('room:react')
  react(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('room:react', reactSchema, p, (r) => {
      this.rooms.react(s.data.userId, r.sessionId, r.reaction);
      return Promise.resolve(EMPTY);
    });
  }

  @SubscribeMessage('room:setReactionsAllowed')
  setReactionsAllowed(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<{ allowed: boolean }>> {
    return handleRequest('room:setReactionsAllowed', reactionsAllowedSchema, p, (r) => Promise.resolve(this.rooms.setReactionsAllowed(s.data.userId, r.sessionId, r.allowed)));
  }

  @SubscribeMessage('lobby:admit')
  admit(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<{ admitted: string[] }>> {
    return handleRequest('lobby:admit', admitSchema, p, async (r) => ({
      admitted: await this.rooms.admit(s.data.userId, r.sessionId, r.userIds),
    }));
  }

  @SubscribeMessage('moderation:mute')
  mute(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('moderation:mute', targetUserSchema, p, async (r) => {
      await this.rooms.mute(s.data.userId, r.sessionId, r.userId, true);
      return EMPTY;
    });
  }

  @SubscribeMessage('moderation:unlockMic')
  unlockMic(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('moderation:unlockMic', targetUserSchema, p, async (r) => {
      await this.rooms.mute(s.data.userId, r.sessionId, r.userId, false);
      return EMPTY;
    });
  }

  @SubscribeMessage('moderation:muteAll')
  muteAll(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<MuteAllResult>> {
    return handleRequest('moderation:muteAll', muteAllSchema, p, (r) => this.muteAllPatients.muteAll(s.data.userId, r.sessionId, r.lock));
  }

  @SubscribeMessage('moderation:remove')
  remove(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('moderation:remove', targetUserSchema, p, async (r) => {
      await this.rooms.remove(s.data.userId, r.sessionId, r.userId);
      return EMPTY;
    });
  }

  @SubscribeMessage('media:setRtpCapabilities')
  setRtpCapabilities(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('media:setRtpCapabilities', setRtpCapabilitiesSchema, p, async (r) => {
      await this.rooms.setRtpCapabilities(s.data.userId, r.sessionId, r.rtpCapabilities as types.RtpCapabilities);
      return EMPTY;
    });
  }

  @SubscribeMessage('media:createTransport')
  createTransport(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<TransportInfo>> {
    return handleRequest('media:createTransport', createTransportSchema, p, (r) =>
      this.rooms.createTransport(s.data.userId, r.sessionId, r.direction),
    );
  }

  @SubscribeMessage('media:capabilities')
  capabilities(@MessageBody() p: unknown): Promise<Ack<{ routerRtpCapabilities: Record<string, unknown> }>> {
    return handleRequest('media:capabilities', mediaCapabilitiesSchema, p, async () => ({
      routerRtpCapabilities: await this.rooms.routerCapabilities(),
    }));
  }

  @SubscribeMessage('media:prepare')
  prepare(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<MediaPrepared>> {
    return handleRequest('media:prepare', mediaPrepareSchema, p, (r) =>
      this.rooms.prepareMedia(s.data.userId, r.sessionId, r.rtpCapabilities as types.RtpCapabilities, r.send),
    );
  }

  @SubscribeMessage('media:warm')
  warm(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<MediaWarmed>> {
    return handleRequest('media:warm', mediaWarmSchema, p, (r) => this.oneAtATime(s.data.userId, () => this.rooms.warmMedia(s.data.userId, s.id, r.sessionId, r.rtpCapabilities as types.RtpCapabilities | undefined)));
  }

  @SubscribeMessage('media:connectTransport')
  connectTransport(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('media:connectTransport', connectTransportSchema, p, async (r) => {
      await this.rooms.connectTransport(s.data.userId, r.sessionId, r.transportId, r.dtlsParameters as types.DtlsParameters);
      return EMPTY;
    });
  }

  @SubscribeMessage('media:restartIce')
  restartIce(
    @ConnectedSocket() s: HearthSocket,
    @MessageBody() p: unknown,
  ): Promise<Ack<{ iceParameters: Record<string, unknown> }>> {
    return handleRequest('media:restartIce', restartIceSchema, p, async (r) => ({
      iceParameters: { ...(await this.rooms.restartIce(s.data.userId, r.sessionId, r.transportId)) },
    }));
  }

  @SubscribeMessage('media:produce')
  produce(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<{ producerId: string }>> {
    return handleRequest('media:produce', produceSchema, p, (r) =>
      this.rooms.produce(s.data.userId, r.sessionId, {
        transportId: r.transportId,
        kind: r.kind,
        source: r.source,
        rtpParameters: r.rtpParameters as unknown as types.RtpParameters,
        paused: r.paused,
      }),
    );
  }

  @SubscribeMessage('media:resumeConsumer')
  resumeConsumer(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('media:resumeConsumer', consumerRefSchema, p, async (r) => {
      await this.rooms.resumeConsumer(s.data.userId, r.sessionId, r.consumerId);
      return EMPTY;
    });
  }

  @SubscribeMessage('media:setPreferredLayers')
  setPreferredLayers(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('media:setPreferredLayers', preferredLayersSchema, p, async (r) => {
      await this.rooms.setPreferredLayers(s.data.userId, r.sessionId, r.consumerId, r.spatialLayer);
      return EMPTY;
    });
  }

  @SubscribeMessage('media:setConsumerVisible')
  setConsumerVisible(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('media:setConsumerVisible', consumerVisibleSchema, p, async (r) => {
      await this.rooms.setConsumerVisible(s.data.userId, r.sessionId, r.consumerId, r.visible);
      return EMPTY;
    });
  }

  @SubscribeMessage('media:setSelf')
  setSelf(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('media:setSelf', selfMediaSchema, p, async (r) => {
      await this.rooms.setSelf(s.data.userId, r.sessionId, r.source, r.on);
      return EMPTY;
    });
  }
}
