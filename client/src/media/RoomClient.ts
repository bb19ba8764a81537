import { Device, type types } from 'mediasoup-client';
import type {
  ConsumerInfo,
  JoinResult,
  RoomJoinRequest,
  RoomSnapshot,
  ServerToClientEvents,
  TransportInfo,
} from '@hearth/protocol';
import { request, RequestError, type HearthSocket } from '../realtime/socket';
import { initialRoomState, upsertParticipant, type RoomState } from './roomState';

type Listener = () => void;

export interface InboundCounters {
  audioBytesReceived: number;
  videoBytesReceived: number;
  videoFramesDecoded: number;
}

/** Sums over the inbound RTP streams of all current consumers, and per remote participant. */
export interface InboundStats extends InboundCounters {
  byUser: Record<string, InboundCounters>;
}

/** Simulcast for camera video: three layers; receivers pick one by tile size. */
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

/**
 * One live session from the browser's side: joining, the lobby, mediasoup
 * transports, producing the local mic/camera and consuming everyone else.
 * No React inside: the UI subscribes and reads `state`.
 */
export class RoomClient {
  private current: RoomState = initialRoomState;
  private readonly listeners = new Set<Listener>();
  private device: Device | null = null;
  private sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  private readonly producers = new Map<'mic' | 'camera', types.Producer>();
  private readonly consumers = new Map<string, { consumer: types.Consumer; userId: string; kind: 'audio' | 'video' }>();
  private joinRequest: RoomJoinRequest | null = null;
  /** Simulcast layer each remote user's video should get (by tile size); applied to new consumers too. */
  private readonly preferredLayers = new Map<string, number>();
  private mediaGeneration = 0;
  /** Redirects to another node in a row (cluster), to stop a ping-pong. */
  private redirects = 0;
  private readonly offs: (() => void)[] = [];
  private closed = false;

  constructor(
    /** The page's one socket (public for diagnostics and tests; the room never closes it). */
    readonly socket: HearthSocket,
    readonly sessionId: string,
  ) {
    this.listen();
    this.patch({ connection: socket.connected ? 'connected' : 'connecting' });
  }

  get state(): RoomState {
    return this.current;
  }

  /** For useSyncExternalStore. */
  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RoomState => this.current;

  /** Camera and microphone chosen in the pre-join check; sent once admitted. */
  setLocalStream(stream: MediaStream | null): void {
    this.patch({ localStream: stream });
  }

  /** Enter the session (lobby for patients); safety check and consent travel with it. */
  async join(req: Omit<RoomJoinRequest, 'sessionId'>): Promise<void> {
    this.joinRequest = { ...req, sessionId: this.sessionId };
    this.patch({ phase: 'joining', message: null });
    try {
      const result = await request(this.socket, 'room:join', this.joinRequest);
      await this.applyJoin(result);
    } catch (e) {
      if (this.redirects < 5 && this.redirectToHost(e)) {
        await new Promise<void>((resolve) => this.socket.once('connect', () => resolve()));
        return this.join(req);
      }
      this.patch({ phase: 'error', message: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  async admit(userIds: string[] | 'all'): Promise<string[]> {
    const { admitted } = await request(this.socket, 'lobby:admit', { sessionId: this.sessionId, userIds });
    return admitted;
  }

  async muteParticipant(userId: string): Promise<void> {
    await request(this.socket, 'moderation:mute', { sessionId: this.sessionId, userId });
  }

  async unlockParticipantMic(userId: string): Promise<void> {
    await request(this.socket, 'moderation:unlockMic', { sessionId: this.sessionId, userId });
  }

  async removeParticipant(userId: string): Promise<void> {
    await request(this.socket, 'moderation:remove', { sessionId: this.sessionId, userId });
  }

  async endSession(): Promise<void> {
    await request(this.socket, 'room:end', { sessionId: this.sessionId });
  }

  async setMic(on: boolean): Promise<void> {
    await this.setSource('mic', on);
  }

  async setCamera(on: boolean): Promise<void> {
    await this.setSource('camera', on);
  }

  /** Ask for a simulcast layer (0 small … 2 full) for a remote video, by its tile size. */
  async setPreferredLayer(userId: string, spatialLayer: number): Promise<void> {
    if (this.preferredLayers.get(userId) === spatialLayer) return;
    this.preferredLayers.set(userId, spatialLayer);
    for (const [consumerId, c] of this.consumers) {
      if (c.userId === userId && c.kind === 'video') await this.requestLayer(consumerId, spatialLayer);
    }
  }

  /**
   * What has been received so far, in total and per remote participant: a
   * cheap "is media flowing" probe for diagnostics and browser tests.
   */
  async getInboundStats(): Promise<InboundStats> {
    const totals: InboundStats = { audioBytesReceived: 0, videoBytesReceived: 0, videoFramesDecoded: 0, byUser: {} };
    const entries = [...this.consumers.values()].filter(({ consumer }) => !consumer.closed);
    const reports = await Promise.all(entries.map(({ consumer }) => consumer.getStats().catch(() => null)));
    entries.forEach(({ userId }, i) => {
      const mine = (totals.byUser[userId] ??= { audioBytesReceived: 0, videoBytesReceived: 0, videoFramesDecoded: 0 });
      reports[i]?.forEach((entry: { type?: string; kind?: string; bytesReceived?: number; framesDecoded?: number }) => {
        if (entry.type !== 'inbound-rtp') return;
        for (const sum of [totals, mine]) {
          if (entry.kind === 'audio') sum.audioBytesReceived += entry.bytesReceived ?? 0;
          if (entry.kind === 'video') {
            sum.videoBytesReceived += entry.bytesReceived ?? 0;
            sum.videoFramesDecoded += entry.framesDecoded ?? 0;
          }
        }
      });
    });
    return totals;
  }

  async leave(): Promise<void> {
    await request(this.socket, 'room:leave', { sessionId: this.sessionId }).catch(() => undefined);
    this.teardownMedia();
    this.patch({ phase: 'left' });
  }

  /** Stops listening and closes media; the socket stays (it is shared). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offs.forEach((off) => off());
    this.teardownMedia();
    this.listeners.clear();
  }

  // -------------------------------------------------------------------------

  private async applyJoin(result: JoinResult): Promise<void> {
    if (result.status === 'waiting') {
      this.teardownMedia();
      this.patch({ phase: 'waiting', session: result.session, lobbyPosition: result.position, participants: [], remote: {} });
      return;
    }
    this.patch({ session: result.session });
    await this.enterRoom(result.room);
  }

  private async enterRoom(room: RoomSnapshot): Promise<void> {
    this.patch({
      phase: 'in-room',
      selfUserId: room.selfUserId,
      selfRole: room.selfRole,
      participants: room.participants,
      lobby: room.lobby ?? [],
      activeSpeakerUserId: room.activeSpeakerUserId,
      message: null,
    });
    await this.startMedia(room.routerRtpCapabilities as types.RtpCapabilities);
  }

  private async startMedia(routerRtpCapabilities: types.RtpCapabilities): Promise<void> {
    this.teardownMedia();
    const generation = ++this.mediaGeneration;
    try {
      await this.startMediaOnce(generation, routerRtpCapabilities);
    } catch (e) {
      // A start cut off by a dropped connection or a server restart: the newer start owns the media now.
      if (generation !== this.mediaGeneration) return;
      throw e;
    }
  }

  private async startMediaOnce(generation: number, routerRtpCapabilities: types.RtpCapabilities): Promise<void> {
    const device = new Device();
    await device.load({ routerRtpCapabilities });
    if (generation !== this.mediaGeneration) return;
    this.device = device;

    const recvInfo = await request(this.socket, 'media:createTransport', { sessionId: this.sessionId, direction: 'recv' });
    // Torn down meanwhile (removed, ended, reconnected): a newer start owns the media now.
    if (generation !== this.mediaGeneration) return;
    this.recvTransport = this.wireTransport(device.createRecvTransport(this.transportOptions(recvInfo)));
    // Receiving is ready: the server now sends us everyone's media.
    await request(this.socket, 'media:setRtpCapabilities', {
      sessionId: this.sessionId,
      rtpCapabilities: device.rtpCapabilities as unknown as Record<string, unknown>,
    });
    if (generation !== this.mediaGeneration) return;

    const stream = this.current.localStream;
    if (!stream) return;
    const sendInfo = await request(this.socket, 'media:createTransport', { sessionId: this.sessionId, direction: 'send' });
    if (generation !== this.mediaGeneration) return;
    const send = this.wireTransport(device.createSendTransport(this.transportOptions(sendInfo)));
    send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      request(this.socket, 'media:produce', {
        sessionId: this.sessionId,
        transportId: send.id,
        kind,
        source: appData.source as 'mic' | 'camera',
        rtpParameters: rtpParameters as unknown as Record<string, unknown> & { codecs: Record<string, unknown>[] },
        paused: Boolean(appData.paused),
      })
        .then(({ producerId }) => callback({ id: producerId }))
        .catch(errback);
    });
    this.sendTransport = send;

    const audio = stream.getAudioTracks()[0];
    const video = stream.getVideoTracks()[0];
    if (audio) {
      const micOn = audio.enabled;
      const p = await send.produce({ track: audio, appData: { source: 'mic', paused: !micOn }, stopTracks: false });
      if (generation !== this.mediaGeneration) return void p.close();
      if (!micOn) p.pause();
      this.producers.set('mic', p);
      this.patch({ micOn });
    }
    if (video && device.canProduce('video')) {
      const cameraOn = video.enabled;
      const p = await send.produce({
        track: video,
        encodings: CAMERA_ENCODINGS,
        codecOptions: { videoGoogleStartBitrate: 600 },
        appData: { source: 'camera', paused: !cameraOn },
        stopTracks: false,
      });
      if (generation !== this.mediaGeneration) return void p.close();
      if (!cameraOn) p.pause();
      this.producers.set('camera', p);
      this.patch({ cameraOn });
    }
  }

  private transportOptions(info: TransportInfo): types.TransportOptions {
    return {
      id: info.id,
      iceParameters: info.iceParameters as unknown as types.IceParameters,
      iceCandidates: info.iceCandidates as unknown as types.IceCandidate[],
      dtlsParameters: info.dtlsParameters as unknown as types.DtlsParameters,
    };
  }

  private wireTransport(transport: types.Transport): types.Transport {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      request(this.socket, 'media:connectTransport', {
        sessionId: this.sessionId,
        transportId: transport.id,
        dtlsParameters: dtlsParameters as unknown as { fingerprints: { algorithm: string; value: string }[] },
      })
        .then(() => callback())
        .catch(errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed' || state === 'disconnected') {
        this.patch({ connection: 'reconnecting' });
        void this.restartIce(transport);
      } else if (state === 'connected' && this.socket.connected) {
        this.patch({ connection: 'connected' });
      }
    });
    return transport;
  }

  private async restartIce(transport: types.Transport): Promise<void> {
    try {
      const { iceParameters } = await request(this.socket, 'media:restartIce', {
        sessionId: this.sessionId,
        transportId: transport.id,
      });
      await transport.restartIce({ iceParameters: iceParameters as unknown as types.IceParameters });
    } catch {
      // The socket reconnect path rebuilds transports from scratch.
    }
  }

  private async consume(info: ConsumerInfo): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || transport.closed) return;
    const consumer = await transport.consume({
      id: info.consumerId,
      producerId: info.producerId,
      kind: info.kind,
      rtpParameters: info.rtpParameters as unknown as types.RtpParameters,
    });
    this.consumers.set(consumer.id, { consumer, userId: info.userId, kind: info.kind });
    const media = { ...(this.current.remote[info.userId] ?? { audioPaused: false, videoPaused: false }) };
    if (info.kind === 'audio') {
      media.audio = consumer.track;
      media.audioPaused = info.producerPaused;
    } else {
      media.video = consumer.track;
      media.videoPaused = info.producerPaused;
    }
    this.patch({ remote: { ...this.current.remote, [info.userId]: media } });
    await request(this.socket, 'media:resumeConsumer', { sessionId: this.sessionId, consumerId: consumer.id });
    const layer = this.preferredLayers.get(info.userId);
    if (info.kind === 'video' && layer !== undefined) await this.requestLayer(consumer.id, layer);
  }

  private async requestLayer(consumerId: string, spatialLayer: number): Promise<void> {
    await request(this.socket, 'media:setPreferredLayers', { sessionId: this.sessionId, consumerId, spatialLayer }).catch(
      () => undefined,
    );
  }

  private dropConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    entry.consumer.close();
    this.consumers.delete(consumerId);
    const media = this.current.remote[entry.userId];
    if (!media) return;
    const next = { ...media };
    if (entry.kind === 'audio' && next.audio === entry.consumer.track) delete next.audio;
    if (entry.kind === 'video' && next.video === entry.consumer.track) delete next.video;
    this.patch({ remote: { ...this.current.remote, [entry.userId]: next } });
  }

  private async setSource(source: 'mic' | 'camera', on: boolean): Promise<void> {
    const producer = this.producers.get(source);
    const track = source === 'mic' ? this.current.localStream?.getAudioTracks()[0] : this.current.localStream?.getVideoTracks()[0];
    // The server decides (a locked mic stays off); only then does the local track change.
    await request(this.socket, 'media:setSelf', { sessionId: this.sessionId, source, on });
    if (track) track.enabled = on;
    if (producer) {
      if (on) producer.resume();
      else producer.pause();
    }
    this.patch(source === 'mic' ? { micOn: on } : { cameraOn: on });
  }

  /** Local side only: the track and the producer follow what the server already decided. */
  private setLocalMic(on: boolean): void {
    const track = this.current.localStream?.getAudioTracks()[0];
    if (track) track.enabled = on;
    const producer = this.producers.get('mic');
    if (on) producer?.resume();
    else producer?.pause();
    this.patch({ micOn: on });
  }

  private teardownMedia(): void {
    this.mediaGeneration++;
    for (const { consumer } of this.consumers.values()) consumer.close();
    this.consumers.clear();
    for (const p of this.producers.values()) p.close();
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    this.device = null;
    if (Object.keys(this.current.remote).length) this.patch({ remote: {} });
  }

  private listen(): void {
    const on = <E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]) => {
      const typed = this.socket as unknown as { on(e: string, h: unknown): void; off(e: string, h: unknown): void };
      typed.on(event, handler);
      this.offs.push(() => typed.off(event, handler));
    };
    const mine = (p: { sessionId: string }) => p.sessionId === this.sessionId;

    on('lobby:updated', (p) => mine(p) && this.patch({ lobby: p.waiting }));
    on('room:admitted', (p) => {
      if (mine(p)) void this.enterRoom(p.room).catch((e: unknown) => this.fail(e));
    });
    on('room:participantJoined', (p) => mine(p) && this.patch({ participants: upsertParticipant(this.current.participants, p.participant) }));
    on('room:participantUpdated', (p) => {
      if (!mine(p)) return;
      const wasLocked = this.current.participants.find((x) => x.userId === p.participant.userId)?.micLocked ?? false;
      this.patch({ participants: upsertParticipant(this.current.participants, p.participant) });
      if (p.participant.userId !== this.current.selfUserId) return;
      if (p.participant.micLocked && this.current.micOn) {
        // Muted by a therapist or held by the floor rules: stop sending locally too.
        this.setLocalMic(false);
      } else if (wasLocked && !p.participant.micLocked && p.participant.micOn && !this.current.micOn) {
        // The hold lifted and the server has our mic live again (the floor came back): send again.
        this.setLocalMic(true);
      }
    });
    on('room:participantLeft', (p) => {
      if (!mine(p)) return;
      const { [p.userId]: _gone, ...remote } = this.current.remote;
      this.patch({ participants: this.current.participants.filter((x) => x.userId !== p.userId), remote });
    });
    on('room:activeSpeakerChanged', (p) => mine(p) && this.patch({ activeSpeakerUserId: p.userId }));
    on('room:removed', (p) => {
      if (!mine(p)) return;
      this.teardownMedia();
      this.patch({ phase: 'removed', participants: [], activeSpeakerUserId: null, message: p.reason });
      // The server has put us back in the lobby; asking again tells us our place in line.
      this.rejoin();
    });
    on('room:ended', (p) => {
      if (!mine(p)) return;
      this.teardownMedia();
      this.patch({ phase: 'ended', message: 'The therapist has ended this session.' });
    });
    on('media:consumerCreated', (p) => {
      if (mine(p)) void this.consume(p.consumer).catch(() => undefined);
    });
    on('media:consumerClosed', (p) => mine(p) && this.dropConsumer(p.consumerId));
    on('media:consumerPaused', (p) => {
      if (!mine(p)) return;
      const entry = this.consumers.get(p.consumerId);
      if (!entry) return;
      const media = this.current.remote[entry.userId];
      if (!media) return;
      const key = entry.kind === 'audio' ? 'audioPaused' : 'videoPaused';
      this.patch({ remote: { ...this.current.remote, [entry.userId]: { ...media, [key]: p.paused } } });
    });

    // The server is going away (deploy, restart): the socket will drop and reconnect by itself
    // (socket.io's backoff with jitter); the rejoin on connect puts us back where we were.
    on('system:restarting', () => {
      const phase = this.current.phase;
      if (phase === 'in-room' || phase === 'waiting' || phase === 'removed') this.patch({ connection: 'reconnecting' });
    });

    const onDisconnect = () => {
      const phase = this.current.phase;
      if (phase === 'in-room' || phase === 'waiting' || phase === 'removed') this.patch({ connection: 'reconnecting' });
      else this.patch({ connection: 'connecting' });
    };
    const onConnect = () => {
      this.patch({ connection: 'connected' });
      // Back after a drop: join again; the server keeps an admitted patient's place.
      const phase = this.current.phase;
      if (phase === 'in-room' || phase === 'waiting' || phase === 'removed') this.rejoin();
    };
    this.socket.on('disconnect', onDisconnect);
    this.socket.on('connect', onConnect);
    this.offs.push(() => this.socket.off('disconnect', onDisconnect), () => this.socket.off('connect', onConnect));
  }

  /**
   * Joins again after a drop or a removal. The safety check and consent given
   * at the start of this session stand (the server has them), so they are not
   * sent (and recorded) a second time.
   */
  private rejoin(): void {
    if (!this.joinRequest || this.closed) return;
    request(this.socket, 'room:join', { sessionId: this.sessionId })
      .then((r) => {
        this.redirects = 0;
        return this.applyJoin(r);
      })
      .catch((e: unknown) => {
        // Redirected: the reconnect rejoins (on connect) where the session is hosted now.
        if (!this.redirectToHost(e)) this.fail(e);
      });
  }

  /**
   * Cluster: the session runs on another node. Reconnect through the
   * balancer with `?node=<host>` (it routes the socket there; to any live
   * node if that one is gone) after a short jittered pause.
   */
  private redirectToHost(e: unknown): boolean {
    if (!(e instanceof RequestError) || e.code !== 'session_elsewhere' || !e.hostNodeId) return false;
    this.redirects += 1;
    const manager = this.socket.io;
    manager.opts.query = { ...(manager.opts.query as Record<string, string> | undefined), node: e.hostNodeId };
    this.socket.disconnect();
    setTimeout(() => this.socket.connect(), 300 + Math.random() * 700);
    return true;
  }

  private fail(e: unknown): void {
    const message = e instanceof RequestError || e instanceof Error ? e.message : String(e);
    if (e instanceof RequestError && e.code === 'session_ended') {
      this.patch({ phase: 'ended', message });
      return;
    }
    this.patch({ phase: 'error', message });
  }

  private patch(update: Partial<RoomState>): void {
    if (this.closed) return;
    this.current = { ...this.current, ...update };
    for (const l of this.listeners) l();
  }
}
