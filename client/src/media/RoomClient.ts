import type { Device, types } from 'mediasoup-client';
import {
  REACTION_SHOWN_MS,
  SCREEN_SHARE_ENCODING,
  type ClientToServerEvents,
  type ConsumerInfo,
  type JoinResult,
  type MediaPrepared,
  type MediaSource,
  type MuteAllResult,
  type PreparedConsumer,
  type Reaction,
  type RoomJoinRequest,
  type RoomSnapshot,
  type ServerToClientEvents,
  type TransportInfo,
} from '@hearth/protocol';
import { requestPatiently } from '../realtime/patientRequest';
import { RequestError, type HearthSocket } from '../realtime/socket';
import { rememberBackgroundBlur, wantsBackgroundBlur } from './backgroundBlur';
import { BlurController, type BlurControllerDeps } from './blurController';
import { audioConstraints, noiseSuppressionFor, setNoiseSuppressionFor } from './audioProcessing';
import { ConnectionQuality, type QualitySample } from './connectionQuality';
import { createDevice, warmUpDevice } from './deviceWarmup';
import { selfieBlurSupported, startSelfieBlur } from './selfieBlur';
import { dropWarmVideo, warmVideo } from './warmVideos';
import { initialRoomState, upsertParticipant, type RoomState } from './roomState';

type Listener = () => void;

export interface InboundCounters {
  /** Microphones. */
  audioBytesReceived: number;
  /** A shared screen's sound (`screenAudio`), apart from the microphone. */
  screenAudioBytesReceived: number;
  videoBytesReceived: number;
  videoFramesDecoded: number;
}

/** Sums over the inbound RTP streams of all current consumers, and per remote participant. */
export interface InboundStats extends InboundCounters {
  byUser: Record<string, InboundCounters>;
}

/**
 * `performance.now()` marks of the latest entry (join, or admission from the
 * lobby), for bench/join-time and diagnostics: where a slow join spends its time.
 */
export interface JoinTimings {
  /** `room:join` sent, or `room:admitted` received. */
  start?: number;
  joinAck?: number;
  /** The mediasoup Device is loaded (instant when kept from an earlier entry). */
  device?: number;
  /** Both transports known (from `media:prepare`, or already prepared in the lobby). */
  transports?: number;
  /** The first remote track is consumed and its resume requested. */
  firstConsume?: number;
  /** Media came from transports prepared in the lobby (admission only consumed). */
  prepared?: boolean;
  /** The receive transport's idle data channel was opened (it connects before it receives: waiting room). */
  warmup?: number;
  /** The first `transport.consume` was called (SDP work starts). */
  consumeStart?: number;
  /** The receive transport asked to connect (its DTLS parameters are known) and the server's answer. */
  recvConnect?: number;
  recvConnectAck?: number;
  /** The receive transport's ICE + DTLS are up. */
  recvConnected?: number;
  /** The first consumer's resume was answered. */
  firstResumeAck?: number;
}

/** A prepared consumer given up: closed once the browser has set it up (or at once if it has). */
function closeWhenReady(entry: { consumer: Promise<types.Consumer | null> }): void {
  void entry.consumer.then((c) => c?.close());
}

/** A prepared video consumer's element, started in the hidden holder; it goes when the consumer closes, unless a tile took it. */
function warmUntilClosed(consumer: types.Consumer): void {
  warmVideo(consumer.track);
  consumer.observer.once('close', () => dropWarmVideo(consumer.track.id));
}

/** Our own sending waits at most this long for the first remote picture (see firstFrameOr). */
const FIRST_FRAME_WAIT_MS = 1000;

/** Simulcast for camera video: three layers; receivers pick one by tile size. */
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

/** Microphone: DTX while silent, in-band FEC against loss on poor connections. */
const MIC_CODEC_OPTIONS: types.ProducerCodecOptions = { opusDtx: true, opusFec: true };

/**
 * One live session from the browser's side: joining, the lobby, mediasoup
 * transports, producing the local mic/camera and consuming everyone else.
 * No React inside: the UI subscribes and reads `state`.
 */
export class RoomClient {
  private current: RoomState = initialRoomState;
  private readonly listeners = new Set<Listener>();
  /** Loaded (set once its load finishes); kept across rejoins. */
  private device: Device | null = null;
  private deviceLoad: { key: string; promise: Promise<Device> } | null = null;
  private sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  /** A receive transport warmed on the pre-join page (`media:warm`): connected before the join, adopted by it. */
  private warmRecv: types.Transport | null = null;
  /**
   * Consumers set up before entering (pre-join page, waiting room): paused at the SFU and
   * anonymous until the join answer or the admission names them (`resumed`), then adopted
   * as they are. By id; the promise is the browser's own setup, which may still be running.
   */
  private readonly prepared = new Map<string, { transportId: string; consumer: Promise<types.Consumer | null> }>();
  private readonly producers = new Map<'mic' | 'camera', types.Producer>();
  private readonly consumers = new Map<string, { consumer: types.Consumer; userId: string; kind: 'audio' | 'video'; source: MediaSource }>();
  private joinRequest: RoomJoinRequest | null = null;
  /** Simulcast layer each remote user's video should get (by tile size); applied to new consumers too. */
  private readonly preferredLayers = new Map<string, number>();
  /** Remote users whose tiles are off screen or hidden: their video consumers stay paused at the SFU. */
  private readonly hiddenVideo = new Set<string>();
  private mediaGeneration = 0;
  /** Our screen share's producer (its own, beside mic and camera). */
  private screenProducer: types.Producer | null = null;
  /** The share's sound (a tab's or the system's), when the browser offered it: source `screenAudio`. */
  private screenAudioProducer: types.Producer | null = null;
  /** Consumer pushes that arrive while `media:prepare` is in flight (no receive transport yet). */
  private pendingConsumers: ConsumerInfo[] | null = null;
  /** After admission with lobby-prepared media: starts sending once the first remote track is consumed. */
  /** Resolved when the first remote video of this entry is on screen (remoteFrameShown). */
  private frameShown: { promise: Promise<void>; resolve: () => void } | null = null;
  /** While entering with consumers in the join answer: called once the first is consumed (the room then renders). */
  private beforeRoomShown: (() => void) | null = null;
  private readonly entryListeners = new Set<Listener>();
  /** Redirects to another node in a row (cluster), to stop a ping-pong. */
  private redirects = 0;
  /** Back on a socket after a drop, our rejoin not answered yet: still "reconnecting". */
  private rejoinPending = false;
  private readonly offs: (() => void)[] = [];
  private closed = false;
  /** See JoinTimings; replaced on every entry. */
  timings: JoinTimings = {};
  /** Requests waiting longer than usual for an answer: shown as "reconnecting" meanwhile. */
  private slowRequests = 0;
  private recoveryTimer: ReturnType<typeof setTimeout> | null = null;
  private recoveryAttempts = 0;
  /** Watches the receive side while in the room; a sustained poor verdict offers audio only. */
  private readonly quality = new ConnectionQuality();
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  /** Reactions shown now: their removal timers, and a counter that tells a repeat from the last one. */
  private readonly reactionTimers = new Set<ReturnType<typeof setTimeout>>();
  private reactionSeq = 0;
  /** The user said "not now" to audio only: not offered again in this session. */
  private audioOnlyDismissed = false;
  /** Pause/resume pushes for consumers still being set up here (the push overtook `consume`): applied once they are. */
  private readonly earlyPauses = new Map<string, boolean>();
  /** Background blur on our camera: the browser's own, or the MediaPipe fallback's processed track. */
  private readonly blur: BlurController;

  constructor(
    /** The page's one socket (public for diagnostics and tests; the room never closes it). */
    readonly socket: HearthSocket,
    readonly sessionId: string,
    /** The blur fallback's pieces (tests replace them; the browser's are the default). */
    blur: Pick<BlurControllerDeps, 'fallbackSupported' | 'startProcessor'> = {
      fallbackSupported: selfieBlurSupported,
      startProcessor: (camera) => startSelfieBlur(camera),
    },
  ) {
    this.blur = new BlurController({ ...blur, onChange: (view) => this.patch(view) });
    this.listen();
    this.patch({ connection: socket.connected ? 'connected' : 'connecting' });
    this.preloadDevice();
  }

  /** Loads the Device while the user is still on the pre-join page, so the join can carry its capabilities. */
  private preloadDevice(): void {
    if (typeof RTCPeerConnection === 'undefined') return;
    warmUpDevice();
    this.ask('media:capabilities', {})
      .then(({ routerRtpCapabilities }) => this.loadDevice(routerRtpCapabilities as unknown as types.RtpCapabilities))
      .then((device) => this.warmReceiving(device))
      .catch(() => undefined); // joining loads it then
  }

  /**
   * Still on the pre-join page: a receive transport that connects now (ICE,
   * DTLS), so the consumers of the join answer start on a connected one and
   * the first remote frame does not wait for a handshake. The server answers
   * null when there is nothing to warm for (nobody in the room yet…); the join
   * then prepares everything, as without.
   */
  private async warmReceiving(device: Device): Promise<void> {
    if (this.current.phase !== 'idle' || this.warmRecv || this.closed) return;
    const { recv, prepared } = await this.ask('media:warm', {
      sessionId: this.sessionId,
      rtpCapabilities: device.rtpCapabilities as unknown as Record<string, unknown>,
    });
    if (!recv || this.current.phase !== 'idle' || this.closed) return;
    const transport = this.wireTransport(device.createRecvTransport(this.transportOptions(recv)));
    this.warmRecv = transport;
    this.warmUp(transport, recv);
    this.prepareConsumers(transport, prepared ?? []);
  }

  /**
   * The browser's side of prepared consumers, all in one tick (one negotiation): the
   * SDP work is done while the user is still on the page, so entering only adopts them.
   * Nothing arrives on them before the server resumes them.
   */
  private prepareConsumers(transport: types.Transport, list: PreparedConsumer[]): void {
    for (const c of list) {
      if (this.prepared.has(c.consumerId)) continue;
      const consumer = transport
        .consume({ id: c.consumerId, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters as unknown as types.RtpParameters })
        .catch(() => null); // not adopted: the join consumes it the usual way
      // Its <video> starts now, while the user waits: the tile adopts a player that is already loaded.
      if (c.kind === 'video') void consumer.then((ready) => ready && !ready.closed && warmUntilClosed(ready));
      this.prepared.set(c.consumerId, { transportId: transport.id, consumer });
    }
  }

  /** A prepared consumer on `transportId` (undefined: none, or it was on a transport that is gone). */
  private takePrepared(consumerId: string, transportId: string): Promise<types.Consumer | null> | undefined {
    const entry = this.prepared.get(consumerId);
    if (!entry) return undefined;
    this.prepared.delete(consumerId);
    if (entry.transportId === transportId) return entry.consumer;
    closeWhenReady(entry);
    return undefined;
  }

  /** Drops prepared consumers, except those on the transport `keepTransportId` (the warm one a join may still adopt). */
  private dropPrepared(keepTransportId?: string): void {
    for (const [id, entry] of this.prepared) {
      if (entry.transportId === keepTransportId) continue;
      this.prepared.delete(id);
      closeWhenReady(entry);
    }
  }

  /** The warm transport, if the join answer kept it (same id); otherwise it is closed. */
  private takeWarmRecv(recvId: string): types.Transport | null {
    const warm = this.warmRecv;
    this.warmRecv = null;
    if (warm && !warm.closed && warm.id === recvId) return warm;
    warm?.close();
    if (warm) this.dropPrepared();
    return null;
  }

  /**
   * The room shows a remote video's first frame (the UI tells us, from a frame callback):
   * our own sending may start, in a task of its own once the browser has finished that
   * frame (starting an encoder and its connection takes tens of milliseconds of this thread).
   */
  remoteFrameShown(): void {
    const entry = this.frameShown;
    if (entry) setTimeout(entry.resolve, 0);
  }

  /**
   * Resolves once a remote video of `consumers` is on screen, or after `ms`; at once when
   * none of them can show a picture (cameras off, audio only). Our own sending waits for
   * it: on a weak machine starting our encoder and its connection delays that first picture.
   */
  private firstFrameOr(ms: number, consumers: ConsumerInfo[]): Promise<void> {
    const picture = !this.current.audioOnly && consumers.some((c) => c.kind === 'video' && c.source === 'camera' && !c.producerPaused);
    if (!picture) return Promise.resolve();
    this.frameShown?.resolve();
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const entry = { promise, resolve };
    this.frameShown = entry;
    const timer = setTimeout(resolve, ms);
    return promise.then(() => {
      clearTimeout(timer);
      if (this.frameShown === entry) this.frameShown = null;
    });
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

  /**
   * Calls `listener` each time we enter the room (joined, admitted, back after
   * a reconnect): the moment to load the facilitation state, once.
   */
  onEntered = (listener: Listener): (() => void) => {
    this.entryListeners.add(listener);
    return () => this.entryListeners.delete(listener);
  };

  /** Camera and microphone chosen in the pre-join check; sent once admitted. */
  setLocalStream(stream: MediaStream | null): void {
    const microphone = stream?.getAudioTracks()[0]?.getSettings?.().deviceId ?? '';
    const camera = stream?.getVideoTracks()[0];
    this.patch({ localStream: stream, noiseSuppression: noiseSuppressionFor(microphone) });
    this.blur.setCamera(camera);
    this.blur.setPaused(!!camera && !camera.enabled);
    // The fallback starts as the user left it (pre-join or an earlier visit); the native effect is already on the track.
    if (this.blur.view.blurMode === 'fallback' && wantsBackgroundBlur()) void this.setBackgroundBlur(true).catch(() => undefined);
  }

  /** Enter the session (lobby for patients); safety check and consent travel with it. */
  async join(req: Omit<RoomJoinRequest, 'sessionId'>): Promise<void> {
    this.joinRequest = { ...req, sessionId: this.sessionId };
    this.patch({ phase: 'joining', message: null });
    let result: JoinResult;
    try {
      this.timings = { start: performance.now() };
      result = await this.ask('room:join', { ...this.joinRequest, ...this.joinMedia() });
      this.timings.joinAck = performance.now();
    } catch (e) {
      if (this.redirects < 5 && this.redirectToHost(e)) {
        await new Promise<void>((resolve) => this.socket.once('connect', () => resolve()));
        return this.join(req);
      }
      this.pendingConsumers = null;
      this.patch({ phase: 'error', message: e instanceof Error ? e.message : String(e) });
      throw e;
    }
    // Admitted: whatever goes wrong with media from here on is mended in the room.
    await this.applyJoin(result).catch((e: unknown) => this.fail(e));
  }

  async admit(userIds: string[] | 'all'): Promise<string[]> {
    const { admitted } = await this.ask('lobby:admit', { sessionId: this.sessionId, userIds });
    return admitted;
  }

  async muteParticipant(userId: string): Promise<void> {
    await this.ask('moderation:mute', { sessionId: this.sessionId, userId });
  }

  /** Therapist: every patient's microphone off at once; `lock` keeps them from unmuting. */
  async muteAll(lock = false): Promise<MuteAllResult> {
    return this.ask('moderation:muteAll', { sessionId: this.sessionId, lock });
  }

  async unlockParticipantMic(userId: string): Promise<void> {
    await this.ask('moderation:unlockMic', { sessionId: this.sessionId, userId });
  }

  async removeParticipant(userId: string): Promise<void> {
    await this.ask('moderation:remove', { sessionId: this.sessionId, userId });
  }

  async endSession(): Promise<void> {
    await this.ask('room:end', { sessionId: this.sessionId });
  }

  /** A silent reaction to the group; it shows on our tile when the server passes it on to everyone. */
  async react(reaction: Reaction): Promise<void> {
    await this.ask('room:react', { sessionId: this.sessionId, reaction });
  }

  /** Therapist: reactions on or off for everyone (the server tells everyone, us included). */
  async setReactionsAllowed(allowed: boolean): Promise<void> {
    const { allowed: now } = await this.ask('room:setReactionsAllowed', { sessionId: this.sessionId, allowed });
    this.patch({ reactionsAllowed: now });
  }

  private clearReactions(): void {
    this.reactionTimers.forEach((t) => clearTimeout(t));
    this.reactionTimers.clear();
    if (Object.keys(this.current.reactions).length) this.patch({ reactions: {} });
  }

  /** Shows `userId`'s reaction until REACTION_SHOWN_MS after the server sent it (less the time it took to arrive). */
  private showReaction(userId: string, reaction: Reaction, at: string): void {
    const id = ++this.reactionSeq;
    this.patch({ reactions: { ...this.current.reactions, [userId]: { reaction, id } } });
    // A page that hears it late shows it for less, never for nothing (clocks differ).
    const age = Math.min(REACTION_SHOWN_MS / 2, Math.max(0, Date.now() - Date.parse(at) || 0));
    const timer = setTimeout(() => {
      this.reactionTimers.delete(timer);
      if (this.current.reactions[userId]?.id !== id) return;
      const { [userId]: _gone, ...rest } = this.current.reactions;
      this.patch({ reactions: rest });
    }, REACTION_SHOWN_MS - age);
    this.reactionTimers.add(timer);
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
      if (c.userId === userId && c.kind === 'video' && c.source !== 'screen') await this.requestLayer(consumerId, spatialLayer);
    }
  }

  /**
   * Forward only what is seen: a remote participant's tile went off screen
   * (or the tab was hidden) — pause their video at the SFU; resume when it
   * shows again. Audio always plays. Applied to their later consumers too.
   */
  async setVideoVisible(userId: string, visible: boolean): Promise<void> {
    if (this.hiddenVideo.has(userId) === !visible) return;
    if (visible) this.hiddenVideo.delete(userId);
    else this.hiddenVideo.add(userId);
    if (this.current.audioOnly) return; // nothing is received anyway; applied when audio only ends
    for (const [consumerId, c] of this.consumers) {
      // A tile's visibility is about the camera: a shared screen is shown on its own stage.
      if (c.userId === userId && c.kind === 'video' && c.source !== 'screen') await this.requestVisible(consumerId, visible);
    }
  }

  /**
   * Audio only, for a poor connection: the SFU stops forwarding everyone's
   * camera video to us (a shared screen still comes: it is the content) and
   * our own camera goes off. Turning it off again receives video as before;
   * our camera stays off until we turn it on.
   */
  async setAudioOnly(on: boolean): Promise<void> {
    if (this.current.audioOnly === on) return;
    this.patch({ audioOnly: on, audioOnlySuggested: false });
    if (on && this.current.cameraOn) await this.setCamera(false).catch(() => undefined);
    await Promise.all(
      [...this.consumers]
        .filter(([, c]) => c.kind === 'video' && c.source !== 'screen')
        .map(([consumerId, c]) => this.requestVisible(consumerId, !on && !this.hiddenVideo.has(c.userId))),
    );
  }

  /** "Not now" to the audio-only offer: it is not offered again in this session. */
  dismissAudioOnlySuggestion(): void {
    this.audioOnlyDismissed = true;
    this.patch({ audioOnlySuggested: false });
  }

  /**
   * One connection reading (RoomClient takes one every few seconds from the
   * receive transport; tests may feed their own): offers audio only once the
   * connection has been poor for a while.
   */
  handleQualitySample(sample: QualitySample): void {
    const verdict = this.quality.handleSample(sample);
    if (verdict === 'poor' && !this.current.audioOnly && !this.audioOnlyDismissed && !this.current.audioOnlySuggested) {
      this.patch({ audioOnlySuggested: true });
    }
  }

  /**
   * Noise suppression on or off for our microphone (music therapy turns it
   * off): a new microphone track with the new processing replaces the old one
   * in the producer, so nothing renegotiates and the mute state stays.
   */
  async setNoiseSuppression(on: boolean): Promise<void> {
    const stream = this.current.localStream;
    const old = stream?.getAudioTracks()[0];
    if (!stream || !old || typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      this.patch({ noiseSuppression: on });
      return;
    }
    const deviceId = old.getSettings?.().deviceId ?? '';
    setNoiseSuppressionFor(deviceId, on);
    const fresh = (await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(deviceId, on) })).getAudioTracks()[0];
    if (!fresh) throw new Error('We could not restart your microphone.');
    fresh.enabled = old.enabled;
    await this.producers.get('mic')?.replaceTrack({ track: fresh });
    stream.removeTrack(old);
    stream.addTrack(fresh);
    old.stop();
    this.patch({ noiseSuppression: on, localStream: stream });
  }

  /**
   * Background blur on or off (blurController.ts). The browser's own effect
   * changes the camera track itself; the fallback's processed track replaces
   * the camera's in the producer (and back when turned off), so nothing
   * renegotiates. A failure leaves the camera going out unblurred, with
   * `blurError` saying so. The choice is remembered on this device.
   */
  async setBackgroundBlur(on: boolean): Promise<void> {
    rememberBackgroundBlur(on);
    const track = await this.blur.set(on);
    const producer = this.producers.get('camera');
    if (track && producer && !producer.closed && producer.track !== track) await producer.replaceTrack({ track });
  }

  private startQualityWatch(): void {
    if (this.qualityTimer || typeof setInterval === 'undefined') return;
    this.quality.reset();
    this.qualityTimer = setInterval(() => void this.sampleQuality(), 4000);
  }

  private stopQualityWatch(): void {
    if (this.qualityTimer) clearInterval(this.qualityTimer);
    this.qualityTimer = null;
  }

  private async sampleQuality(): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || transport.closed || this.current.phase !== 'in-room') return;
    const sample: QualitySample = { packetsReceived: 0, packetsLost: 0 };
    try {
      const report = await transport.getStats();
      report.forEach((e: { type?: string; packetsReceived?: number; packetsLost?: number; state?: string; nominated?: boolean; availableIncomingBitrate?: number }) => {
        if (e.type === 'inbound-rtp') {
          sample.packetsReceived += e.packetsReceived ?? 0;
          sample.packetsLost += Math.max(0, e.packetsLost ?? 0);
        } else if (e.type === 'candidate-pair' && e.state === 'succeeded' && e.nominated && e.availableIncomingBitrate) {
          sample.availableIncomingBitrate = e.availableIncomingBitrate;
        }
      });
    } catch {
      return;
    }
    const connection = (navigator as Navigator & { connection?: { effectiveType?: string; saveData?: boolean } }).connection;
    if (connection?.effectiveType) sample.effectiveType = connection.effectiveType;
    if (connection?.saveData) sample.saveData = true;
    this.handleQualitySample(sample);
  }

  /** Diagnostics (tests): the track our camera producer sends now (the camera's, or the blurred one), or null. */
  cameraSendTrack(): MediaStreamTrack | null {
    return this.producers.get('camera')?.track ?? null;
  }

  /**
   * What has been received so far, in total and per remote participant: a
   * cheap "is media flowing" probe for diagnostics and browser tests.
   */
  async getInboundStats(): Promise<InboundStats> {
    const zero = (): InboundCounters => ({ audioBytesReceived: 0, screenAudioBytesReceived: 0, videoBytesReceived: 0, videoFramesDecoded: 0 });
    const totals: InboundStats = { ...zero(), byUser: {} };
    const entries = [...this.consumers.values()].filter(({ consumer }) => !consumer.closed);
    const reports = await Promise.all(entries.map(({ consumer }) => consumer.getStats().catch(() => null)));
    entries.forEach(({ userId, source }, i) => {
      const mine = (totals.byUser[userId] ??= zero());
      reports[i]?.forEach((entry: { type?: string; kind?: string; bytesReceived?: number; framesDecoded?: number }) => {
        if (entry.type !== 'inbound-rtp') return;
        for (const sum of [totals, mine]) {
          if (entry.kind === 'audio' && source === 'screenAudio') sum.screenAudioBytesReceived += entry.bytesReceived ?? 0;
          else if (entry.kind === 'audio') sum.audioBytesReceived += entry.bytesReceived ?? 0;
          if (entry.kind === 'video') {
            sum.videoBytesReceived += entry.bytesReceived ?? 0;
            sum.videoFramesDecoded += entry.framesDecoded ?? 0;
          }
        }
      });
    });
    return totals;
  }

  // ---- screen sharing: its own producer (source `screen`), separate from the join path

  /**
   * Shares a screen the user picked with getDisplayMedia: claims the share on
   * the server (a therapist takes over; others need a therapist's allowance),
   * then sends it as its own producer, tuned for text, and its sound (when
   * the browser gave an audio track) as a `screenAudio` producer. Stopping
   * from the browser's own bar (the track ends) stops the share too.
   */
  async startScreenShare(stream: MediaStream): Promise<void> {
    const track = stream.getVideoTracks()[0];
    if (!track || !this.device) {
      stream.getTracks().forEach((t) => t.stop());
      throw new Error('There is no screen to share.');
    }
    try {
      await this.ask('screen:start', { sessionId: this.sessionId });
      const send = this.sendTransport ?? (await this.openSendTransport());
      if ('contentHint' in track) track.contentHint = 'text';
      const producer = await send.produce({
        track,
        encodings: [{ ...SCREEN_SHARE_ENCODING }],
        codecOptions: { videoGoogleStartBitrate: 1000 },
        appData: { source: 'screen' },
        stopTracks: false,
      });
      this.screenProducer?.close();
      this.screenProducer = producer;
      track.addEventListener('ended', () => void this.stopScreenShare(), { once: true });
      this.patch({ localScreen: stream });
      await this.sendScreenAudio(send, stream);
    } catch (e) {
      stream.getTracks().forEach((t) => t.stop());
      await this.ask('screen:stop', { sessionId: this.sessionId }).catch(() => undefined);
      throw e;
    }
  }

  /**
   * The share's sound goes out as its own producer; without it the picture is
   * still shared (a window, or a browser that offers no sound), so a refusal
   * here stops only the sound.
   */
  private async sendScreenAudio(send: types.Transport, stream: MediaStream): Promise<void> {
    const audio = stream.getAudioTracks()[0];
    if (!audio || audio.readyState === 'ended') return;
    try {
      const producer = await send.produce({
        track: audio,
        codecOptions: { opusStereo: true, opusDtx: false },
        appData: { source: 'screenAudio' },
        stopTracks: false,
      });
      this.screenAudioProducer?.close();
      this.screenAudioProducer = producer;
      // The share may have stopped while the sound was being set up.
      if (!this.current.localScreen) this.endLocalScreen();
    } catch {
      audio.stop();
    }
  }

  /** Stops our own share (one click, or the browser's "Stop sharing"). */
  async stopScreenShare(): Promise<void> {
    if (!this.current.localScreen && !this.screenProducer) return;
    this.endLocalScreen();
    await this.ask('screen:stop', { sessionId: this.sessionId }).catch(() => undefined);
  }

  /** Therapist: stop someone else's share. */
  async stopScreenShareOf(userId: string): Promise<void> {
    await this.ask('screen:stop', { sessionId: this.sessionId, userId });
  }

  /** Therapist: let a participant share their screen (or take it back). */
  async allowScreenShare(userId: string, allowed: boolean): Promise<void> {
    const view = await this.ask('screen:allow', { sessionId: this.sessionId, userId, allowed });
    this.applyScreenShare(view);
  }

  private applyScreenShare(view: ServerToClientEvents['screen:stateChanged'] extends (p: infer P) => void ? P : never): void {
    this.patch({ screenShare: view });
    // A therapist took over or stopped us: stop capturing here too.
    if (view.sharerUserId !== this.current.selfUserId && this.current.localScreen) this.endLocalScreen();
  }

  private endLocalScreen(): void {
    this.screenProducer?.close();
    this.screenProducer = null;
    this.screenAudioProducer?.close();
    this.screenAudioProducer = null;
    const local = this.current.localScreen;
    if (!local) return;
    local.getTracks().forEach((t) => t.stop());
    this.patch({ localScreen: null });
  }

  private async showRemoteScreen(info: ConsumerInfo, consumer: types.Consumer): Promise<void> {
    const remote = { userId: info.userId, consumerId: consumer.id, track: consumer.track };
    this.patch(info.source === 'screenAudio' ? { remoteScreenAudio: remote } : { remoteScreen: remote });
    await this.ask('media:resumeConsumer', { sessionId: this.sessionId, consumerId: consumer.id });
  }

  /** A send transport for someone who joined without camera or microphone and now shares a screen. */
  private async openSendTransport(): Promise<types.Transport> {
    const device = this.device;
    if (!device) throw new Error('The room’s media is not ready yet.');
    const info = await this.ask('media:createTransport', { sessionId: this.sessionId, direction: 'send' });
    return this.createSendTransport(device, info);
  }

  /** Our one send transport: every producer on it (mic, camera, screen) is announced with its source. */
  private createSendTransport(device: Device, info: TransportInfo): types.Transport {
    const send = this.wireTransport(device.createSendTransport(this.transportOptions(info)));
    send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.ask('media:produce', {
        sessionId: this.sessionId,
        transportId: send.id,
        kind,
        source: appData.source as MediaSource,
        rtpParameters: rtpParameters as unknown as Record<string, unknown> & { codecs: Record<string, unknown>[] },
        paused: Boolean(appData.paused),
      })
        .then(({ producerId }) => callback({ id: producerId }))
        .catch(errback);
    });
    this.sendTransport = send;
    return send;
  }

  async leave(): Promise<void> {
    await this.ask('room:leave', { sessionId: this.sessionId }).catch(() => undefined);
    this.teardownMedia();
    this.blur.stop();
    this.patch({ phase: 'left' });
  }

  /** Stops listening and closes media; the socket stays (it is shared). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.warmRecv) {
      // Left the pre-join page: the server closes the warm transport it kept for us.
      this.warmRecv.close();
      this.warmRecv = null;
      this.dropPrepared();
      if (this.current.phase === 'idle') void this.ask('room:leave', { sessionId: this.sessionId }).catch(() => undefined);
    }
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer);
    this.stopQualityWatch();
    this.offs.forEach((off) => off());
    this.teardownMedia();
    this.blur.stop();
    this.listeners.clear();
    this.entryListeners.clear();
  }

  // -------------------------------------------------------------------------

  private async applyJoin(result: JoinResult): Promise<void> {
    if (result.status === 'waiting') {
      const early = this.takeEarlyConsumers();
      this.teardownMedia();
      this.patch({ phase: 'waiting', session: result.session, lobbyPosition: result.position, participants: [], remote: {} });
      // Transports and paused producers now, so that admission only has to consume.
      const lobbyMedia = result.media
        ? this.adoptMedia(result.media, early)
        : result.routerRtpCapabilities
          ? this.startMedia(result.routerRtpCapabilities as types.RtpCapabilities)
          : null;
      void lobbyMedia?.catch(() => {
        // Admission then starts media from scratch.
        if (this.current.phase === 'waiting') this.teardownMedia();
      });
      return;
    }
    this.patch({ session: result.session });
    await this.enterRoom(result.room, result.media);
  }

  private async enterRoom(room: RoomSnapshot, media?: MediaPrepared, admittedConsumers: ConsumerInfo[] = []): Promise<void> {
    // Admitted from the lobby with media prepared there: keep it, send, and consume what arrives.
    const keepMedia = this.current.phase === 'waiting' && room.mediaPrepared === true && this.recvTransport !== null && !this.recvTransport.closed;
    const early = this.takeEarlyConsumers();
    const showRoom = () =>
      this.patch({
        phase: 'in-room',
        selfUserId: room.selfUserId,
        selfRole: room.selfRole,
        participants: room.participants,
        lobby: room.lobby ?? [],
        activeSpeakerUserId: room.activeSpeakerUserId,
        reactionsAllowed: room.reactionsAllowed !== false,
        message: null,
      });
    if (!keepMedia && media && media.consumers.length + early.length > 0) return this.enterConsumingFirst(showRoom, media, early);
    if (keepMedia) return this.enterPrepared(showRoom, admittedConsumers);
    showRoom();
    const starting = media ? this.adoptMedia(media, early) : this.startMedia(room.routerRtpCapabilities as types.RtpCapabilities);
    // Asked once the media requests are on their way (they do not wait for it, nor it for them).
    this.entryListeners.forEach((l) => l());
    await this.mediaStarted(starting, this.mediaGeneration);
  }

  /**
   * Admitted with media prepared in the lobby (its receive transport already
   * connected): the consumers admission brings are set up before the room's
   * first render, which holds the main thread for a while (at most 250 ms).
   */
  private async enterPrepared(showRoom: () => void, consumers: ConsumerInfo[]): Promise<void> {
    this.timings.prepared = true;
    this.timings.transports = performance.now();
    const generation = this.mediaGeneration;
    // The first remote picture comes first; our own encoder starts once it shows (or at once if none is coming).
    void this.firstFrameOr(FIRST_FRAME_WAIT_MS, consumers).then(() => generation === this.mediaGeneration && this.sendAsWanted());
    // Those the admission brought, in one tick: the browser negotiates them together (prepared ones are adopted as they are).
    const consuming = consumers.map((c) => this.consume(c).catch(() => undefined));
    // Nothing handed over (nobody sends yet): the room shows at once.
    if (consuming.length) await Promise.race([this.firstConsumeWithin(250), Promise.all(consuming)]);
    if (generation !== this.mediaGeneration) return;
    showRoom();
    this.entryListeners.forEach((l) => l());
  }

  /** Resolves when the first consumer of this entry is created here, or after `ms`. */
  private async firstConsumeWithin(ms: number): Promise<void> {
    let consumed!: () => void;
    const first = new Promise<void>((resolve) => (consumed = resolve));
    this.beforeRoomShown = consumed;
    let cap: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([first, new Promise<void>((resolve) => (cap = setTimeout(resolve, ms)))]);
    clearTimeout(cap);
    if (this.beforeRoomShown === consumed) this.beforeRoomShown = null;
  }

  /** The media of this entry is up: the connection is settled (a failure of media a newer start replaced is nobody's concern). */
  private async mediaStarted(starting: Promise<void>, generation: number): Promise<void> {
    await starting.catch((e: unknown) => {
      if (generation === this.mediaGeneration) throw e;
    });
    if (generation !== this.mediaGeneration) return;
    this.recoveryAttempts = 0;
    this.settleConnection();
  }

  /**
   * Entering with consumers in the join answer: the browser's WebRTC work
   * (the receive transport's SDP, then ICE and DTLS on its own threads) starts
   * before the room's first render, which holds the page's main thread for a
   * while; the render then overlaps the connection instead of delaying it.
   * The room shows once the first consumer is in (or after 250 ms at most).
   */
  private async enterConsumingFirst(showRoom: () => void, media: MediaPrepared, early: ConsumerInfo[]): Promise<void> {
    const firstConsume = this.firstConsumeWithin(250);
    const starting = this.adoptMedia(media, early);
    const generation = this.mediaGeneration;
    await Promise.race([firstConsume, starting.catch(() => undefined)]);
    this.beforeRoomShown = null;
    if (generation !== this.mediaGeneration && this.current.phase !== 'joining') return;
    showRoom();
    this.entryListeners.forEach((l) => l());
    await this.mediaStarted(starting, generation);
  }

  /**
   * What to send with `room:join` so that its answer already holds the media:
   * the Device's capabilities, once loaded (it loads while the page opens).
   * Consumer pushes that overtake the answer wait for it.
   */
  private joinMedia(): { media?: { rtpCapabilities: Record<string, unknown>; send: boolean } } {
    if (!this.device) return {};
    this.pendingConsumers = [];
    const stream = this.current.localStream;
    const warm = this.warmRecv && !this.warmRecv.closed ? this.warmRecv.id : undefined;
    return {
      media: {
        rtpCapabilities: this.device.rtpCapabilities as unknown as Record<string, unknown>,
        send: !!stream && stream.getTracks().length > 0,
        ...(warm ? { warm } : {}),
      },
    };
  }

  private takeEarlyConsumers(): ConsumerInfo[] {
    const early = this.pendingConsumers ?? [];
    this.pendingConsumers = null;
    return early;
  }

  /** Without media in the join answer: one `media:prepare` answers both transports and everything to consume now. */
  private async startMedia(routerRtpCapabilities: types.RtpCapabilities): Promise<void> {
    this.teardownMedia();
    const generation = ++this.mediaGeneration;
    const device = await this.loadDevice(routerRtpCapabilities);
    this.timings.device ??= performance.now();
    // Torn down meanwhile (removed, ended, reconnected): a newer start owns the media now.
    if (generation !== this.mediaGeneration) return;
    const stream = this.current.localStream;
    const early: ConsumerInfo[] = [];
    this.pendingConsumers = early;
    let prepared: MediaPrepared;
    try {
      prepared = await this.ask('media:prepare', {
        sessionId: this.sessionId,
        rtpCapabilities: device.rtpCapabilities as unknown as Record<string, unknown>,
        send: !!stream && stream.getTracks().length > 0,
      });
    } finally {
      if (this.pendingConsumers === early) this.pendingConsumers = null;
    }
    if (generation !== this.mediaGeneration) return;
    await this.useMedia(device, prepared, early, generation);
  }

  /** Media prepared by the server with the join answer. */
  private async adoptMedia(prepared: MediaPrepared, early: ConsumerInfo[]): Promise<void> {
    const device = this.device;
    if (!device) throw new Error('no device loaded');
    this.teardownMedia();
    await this.useMedia(device, prepared, early, ++this.mediaGeneration);
  }

  /**
   * Receiving and sending start side by side on the prepared transports. In
   * the lobby the producers start paused (nothing leaves the browser) and
   * nothing is consumed yet.
   */
  private async useMedia(device: Device, prepared: MediaPrepared, early: ConsumerInfo[], generation: number): Promise<void> {
    this.timings.transports = performance.now();
    const warm = this.takeWarmRecv(prepared.recv.id);
    if (warm) this.timings.prepared = true;
    this.recvTransport = warm ?? this.wireTransport(device.createRecvTransport(this.transportOptions(prepared.recv)));
    if (!warm) this.warmUp(this.recvTransport, prepared.recv);
    // Waiting: the room's streams set up ahead, so admission only resumes them.
    if (prepared.prepared?.length) this.prepareConsumers(this.recvTransport, prepared.prepared);
    this.startQualityWatch();
    const ids = new Set(prepared.consumers.map((c) => c.consumerId));
    const all = [...prepared.consumers, ...early.filter((c) => !ids.has(c.consumerId))];
    const shown = this.firstFrameOr(FIRST_FRAME_WAIT_MS, all);
    const receiving = Promise.all(all.map((c) => this.consume(c).catch(() => undefined)));
    // Receive first, then send: on a busy machine our own encoder (and its connection) would slow the first remote picture.
    if (all.length) await Promise.all([receiving, shown]);
    const stream = this.current.localStream;
    if (stream && prepared.send && generation === this.mediaGeneration) await this.produceLocal(device, stream, prepared.send, generation);
    await receiving;
  }

  /** A Device loaded for these router capabilities; kept across rejoins (every router of a server has the same). */
  private loadDevice(routerRtpCapabilities: types.RtpCapabilities): Promise<Device> {
    const key = JSON.stringify(routerRtpCapabilities);
    if (this.deviceLoad?.key !== key) {
      const device = createDevice();
      const promise = device.load({ routerRtpCapabilities }).then(() => {
        if (this.deviceLoad?.promise === promise) this.device = device;
        return device;
      });
      promise.catch(() => {
        if (this.deviceLoad?.promise === promise) this.deviceLoad = null;
      });
      this.deviceLoad = { key, promise };
    }
    return this.deviceLoad.promise;
  }

  /** After admission with lobby-prepared media: the paused producers send as the user left them. */
  private sendAsWanted(): void {
    const stream = this.current.localStream;
    const audio = stream?.getAudioTracks()[0];
    const video = stream?.getVideoTracks()[0];
    const mic = this.producers.get('mic');
    const camera = this.producers.get('camera');
    if (mic && audio?.enabled) mic.resume();
    if (camera && video?.enabled) camera.resume();
    this.patch({ micOn: !!mic && !!audio?.enabled, cameraOn: !!camera && !!video?.enabled });
  }

  private async produceLocal(
    device: Device,
    stream: MediaStream,
    sendInfo: TransportInfo,
    generation: number,
  ): Promise<void> {
    const send = this.createSendTransport(device, sendInfo);

    const audio = stream.getAudioTracks()[0];
    const video = stream.getVideoTracks()[0];
    // Paused means no RTP at all (the track itself stays on for the self-view); the lobby sends nothing.
    const pauseOpts = { stopTracks: false, zeroRtpOnPause: true, disableTrackOnPause: false };
    if (audio) {
      const micOn = audio.enabled;
      // Opus DTX: a silent microphone (most of a group, most of the time) sends a packet every 400 ms instead
      // of every 20 ms, which is most of what the SFU forwards in a realistic room (bench/sfu-rooms --dtx).
      const p = await send.produce({
        track: audio,
        codecOptions: MIC_CODEC_OPTIONS,
        appData: { source: 'mic', paused: !micOn },
        ...pauseOpts,
      });
      if (generation !== this.mediaGeneration) return void p.close();
      const inLobby = this.current.phase === 'waiting';
      if (!micOn || inLobby) p.pause();
      this.producers.set('mic', p);
      if (!inLobby) this.patch({ micOn });
    }
    if (video && device.canProduce('video')) {
      const cameraOn = video.enabled;
      const p = await send.produce({
        track: this.blur.sendTrack() ?? video,
        encodings: CAMERA_ENCODINGS,
        codecOptions: { videoGoogleStartBitrate: 600 },
        appData: { source: 'camera', paused: !cameraOn },
        ...pauseOpts,
      });
      if (generation !== this.mediaGeneration) return void p.close();
      const inLobby = this.current.phase === 'waiting';
      if (!cameraOn || inLobby) p.pause();
      this.producers.set('camera', p);
      if (!inLobby) this.patch({ cameraOn });
    }
  }

  private transportOptions(info: TransportInfo): types.TransportOptions {
    return {
      id: info.id,
      iceParameters: info.iceParameters as unknown as types.IceParameters,
      iceCandidates: info.iceCandidates as unknown as types.IceCandidate[],
      dtlsParameters: info.dtlsParameters as unknown as types.DtlsParameters,
      ...(info.sctpParameters ? { sctpParameters: info.sctpParameters as unknown as types.SctpParameters } : {}),
    };
  }

  /**
   * A receive transport prepared before anything is to be received (the
   * waiting room): opening its idle data channel runs ICE and DTLS now, so
   * the consumers after admission start on a connected transport. Where this
   * fails, the first consumer connects it, as without.
   */
  private warmUp(transport: types.Transport, info: TransportInfo): void {
    const w = info.warmup;
    if (!w) return;
    this.timings.warmup ??= performance.now();
    void transport
      .consumeData({
        id: w.id,
        dataProducerId: w.dataProducerId,
        sctpStreamParameters: w.sctpStreamParameters as unknown as types.SctpStreamParameters,
        label: w.label,
        protocol: w.protocol,
      })
      .catch(() => undefined);
  }

  private wireTransport(transport: types.Transport): types.Transport {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      const recv = transport.direction === 'recv';
      if (recv) this.timings.recvConnect ??= performance.now();
      this.ask('media:connectTransport', {
        sessionId: this.sessionId,
        transportId: transport.id,
        dtlsParameters: dtlsParameters as unknown as { fingerprints: { algorithm: string; value: string }[] },
      })
        .then(() => {
          if (recv) this.timings.recvConnectAck ??= performance.now();
          callback();
        })
        .catch(errback);
    });
    transport.on('connectionstatechange', (state) => {
      // A warm transport not adopted yet (pre-join page) is nobody's connection: its trouble shows nowhere.
      if (transport !== this.recvTransport && transport !== this.sendTransport) return;
      if (state === 'connected' && transport.direction === 'recv') this.timings.recvConnected ??= performance.now();
      if (state === 'failed' || state === 'disconnected') {
        this.patch({ connection: 'reconnecting' });
        void this.restartIce(transport);
      } else if (state === 'connected') {
        this.settleConnection();
      }
    });
    return transport;
  }

  private async restartIce(transport: types.Transport): Promise<void> {
    try {
      const { iceParameters } = await this.ask('media:restartIce', {
        sessionId: this.sessionId,
        transportId: transport.id,
      });
      await transport.restartIce({ iceParameters: iceParameters as unknown as types.IceParameters });
    } catch {
      // The socket reconnect path rebuilds transports from scratch.
    }
  }

  private async consume(info: ConsumerInfo): Promise<void> {
    if (this.pendingConsumers) {
      this.pendingConsumers.push(info);
      return;
    }
    const transport = this.recvTransport;
    if (!transport || transport.closed || this.consumers.has(info.consumerId)) return;
    this.timings.consumeStart ??= performance.now();
    // Set up on this page before entering: adopted as it is (the server resumed it with this answer).
    const ready = (await this.takePrepared(info.consumerId, transport.id)) ?? null;
    const adopted = ready !== null && !ready.closed && info.resumed === true;
    if (ready && !adopted) ready.close();
    if (transport.closed || this.consumers.has(info.consumerId)) {
      if (adopted) ready.close();
      return;
    }
    const consumer = adopted
      ? ready
      : await transport.consume({
          id: info.consumerId,
          producerId: info.producerId,
          kind: info.kind,
          rtpParameters: info.rtpParameters as unknown as types.RtpParameters,
        });
    this.consumers.set(consumer.id, { consumer, userId: info.userId, kind: info.kind, source: info.source });
    this.beforeRoomShown?.();
    if (info.source === 'screen' || info.source === 'screenAudio') return this.showRemoteScreen(info, consumer);
    const media = { ...(this.current.remote[info.userId] ?? { audioPaused: false, videoPaused: false }) };
    // A resume (or pause) pushed while this consumer was being created wins over the paused flag it was created with.
    const producerPaused = this.earlyPauses.get(info.consumerId) ?? info.producerPaused;
    this.earlyPauses.delete(info.consumerId);
    if (info.kind === 'audio') {
      media.audio = consumer.track;
      media.audioPaused = producerPaused;
    } else {
      media.video = consumer.track;
      media.videoPaused = producerPaused;
    }
    this.patch({ remote: { ...this.current.remote, [info.userId]: media } });
    const resumed = adopted ? null : this.ask('media:resumeConsumer', { sessionId: this.sessionId, consumerId: consumer.id });
    this.timings.firstConsume ??= performance.now();
    await resumed;
    this.timings.firstResumeAck ??= performance.now();
    const layer = this.preferredLayers.get(info.userId);
    if (info.kind === 'video' && layer !== undefined) await this.requestLayer(consumer.id, layer);
    if (info.kind === 'video' && (this.hiddenVideo.has(info.userId) || this.current.audioOnly)) await this.requestVisible(consumer.id, false);
  }

  /**
   * Nobody watches our camera larger than `spatialLayer` (the server tells us, and
   * tells us again the moment someone does): stop encoding the layers above it.
   */
  private capCameraLayers(producerId: string, spatialLayer: number): void {
    const camera = this.producers.get('camera');
    if (!camera || camera.closed || camera.id !== producerId) return;
    // A layer the browser cannot change now is harmless: the next push tries again.
    camera.setMaxSpatialLayer(spatialLayer).catch(() => undefined);
  }

  private async requestLayer(consumerId: string, spatialLayer: number): Promise<void> {
    // The first picture comes on the smallest layer (its key frame is the quickest); a larger one is asked
    // for once it shows, so the sender does not start encoding larger layers while this page waits for it.
    const first = this.frameShown?.promise;
    if (first) {
      await first;
      const c = this.consumers.get(consumerId);
      if (!c || this.preferredLayers.get(c.userId) !== spatialLayer) return;
    }
    await this.ask('media:setPreferredLayers', { sessionId: this.sessionId, consumerId, spatialLayer }).catch(
      () => undefined,
    );
  }

  private async requestVisible(consumerId: string, visible: boolean): Promise<void> {
    await this.ask('media:setConsumerVisible', { sessionId: this.sessionId, consumerId, visible }).catch(() => undefined);
  }

  private dropConsumer(consumerId: string): void {
    const prepared = this.prepared.get(consumerId);
    if (prepared) {
      this.prepared.delete(consumerId);
      closeWhenReady(prepared);
    }
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    entry.consumer.close();
    this.consumers.delete(consumerId);
    if (this.current.remoteScreen?.consumerId === consumerId) this.patch({ remoteScreen: null });
    if (this.current.remoteScreenAudio?.consumerId === consumerId) this.patch({ remoteScreenAudio: null });
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
    await this.ask('media:setSelf', { sessionId: this.sessionId, source, on });
    if (track) track.enabled = on;
    if (source === 'camera') this.blur.setPaused(!on);
    if (producer) {
      if (on) producer.resume();
      else producer.pause();
    }
    this.patch(source === 'mic' ? { micOn: on, ...(on ? { mutedBy: null } : {}) } : { cameraOn: on });
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
    this.stopQualityWatch();
    this.clearReactions();
    this.earlyPauses.clear();
    this.mediaGeneration++;
    this.frameShown?.resolve();
    for (const { consumer } of this.consumers.values()) consumer.close();
    this.consumers.clear();
    // Those on the pre-join page's warm transport stay for the join that may adopt them.
    this.dropPrepared(this.warmRecv?.id);
    for (const p of this.producers.values()) p.close();
    this.producers.clear();
    this.endLocalScreen();
    if (this.current.remoteScreen) this.patch({ remoteScreen: null });
    if (this.current.remoteScreenAudio) this.patch({ remoteScreenAudio: null });
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    this.pendingConsumers = null;
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
      if (!mine(p)) return;
      this.timings = { start: performance.now() };
      void this.enterRoom(p.room, undefined, p.consumers ?? []).catch((e: unknown) => this.fail(e));
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
    on('moderation:mutedByTherapist', (p) => {
      if (!mine(p)) return;
      // The server has our mic off already: stop sending here too, and say who did it.
      this.setLocalMic(false);
      this.patch({ mutedBy: { byName: p.byName, locked: p.locked } });
    });
    on('room:participantLeft', (p) => {
      if (!mine(p)) return;
      const { [p.userId]: _gone, ...remote } = this.current.remote;
      this.patch({ participants: this.current.participants.filter((x) => x.userId !== p.userId), remote });
    });
    on('room:activeSpeakerChanged', (p) => mine(p) && this.patch({ activeSpeakerUserId: p.userId }));
    on('room:reactionsAllowedChanged', (p) => mine(p) && this.patch({ reactionsAllowed: p.allowed }));
    on('room:reaction', (p) => {
      if (!mine(p) || this.current.phase !== 'in-room') return;
      this.showReaction(p.userId, p.reaction, p.at);
    });
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
    on('screen:stateChanged', (p) => mine(p) && this.applyScreenShare(p));
    on('media:producerMaxLayerChanged', (p) => mine(p) && this.capCameraLayers(p.producerId, p.spatialLayer));
    on('media:consumerPaused', (p) => {
      if (!mine(p)) return;
      const entry = this.consumers.get(p.consumerId);
      if (!entry) {
        // Not set up here yet (its `consume` is still running): remember, or a resumed video stays "off".
        if (this.earlyPauses.size < 500) this.earlyPauses.set(p.consumerId, p.paused);
        return;
      }
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
      const phase = this.current.phase;
      if (phase === 'in-room' || phase === 'waiting' || phase === 'removed') {
        // Back after a drop: join again; the server keeps an admitted patient's place. "Connected"
        // once the server has us back, not when the socket is up: in a cluster the first node
        // reached may only name the session's host (a redirect), and the room is not back yet.
        this.rejoinPending = true;
        this.rejoin();
      } else {
        this.patch({ connection: 'connected' });
      }
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
    this.timings = { start: performance.now() };
    this.ask('room:join', { sessionId: this.sessionId, ...this.joinMedia() })
      .then((r) => {
        this.timings.joinAck = performance.now();
        this.redirects = 0;
        this.rejoinSettled();
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
   * node if that one is gone) after a jittered pause that doubles with each
   * redirect in a row (0.3–1 s, then up to 8 s): while a dead host's lease
   * runs out, the balancer keeps sending us to a node that names the dead one,
   * and every try spends one of the user's `room:join` budget.
   */
  private redirectToHost(e: unknown): boolean {
    if (!(e instanceof RequestError) || e.code !== 'session_elsewhere' || !e.hostNodeId) return false;
    const factor = 2 ** Math.min(this.redirects, 3);
    this.redirects += 1;
    const manager = this.socket.io;
    manager.opts.query = { ...(manager.opts.query as Record<string, string> | undefined), node: e.hostNodeId };
    this.socket.disconnect();
    setTimeout(() => this.socket.connect(), (300 + Math.random() * 700) * factor);
    return true;
  }

  private fail(e: unknown): void {
    this.pendingConsumers = null;
    const message = e instanceof RequestError || e instanceof Error ? e.message : String(e);
    if (e instanceof RequestError && e.code === 'session_ended') {
      this.patch({ phase: 'ended', message });
      this.rejoinSettled();
      return;
    }
    const phase = this.current.phase;
    // A cluster that cannot place the session right now (Redis unreachable) is a pause, not a refusal.
    // So is a join budget spent by rejoins (a fail-over): wait as long as the server says.
    const transient = ['timeout', 'placement_unavailable', 'rate_limited'];
    const refusedEntry = e instanceof RequestError && e.event === 'room:join' && !transient.includes(e.code);
    if ((phase === 'in-room' || phase === 'waiting' || phase === 'removed') && !refusedEntry) {
      // A slow or failed step is not a reason to leave: only the server sends someone
      // to the waiting room. Stay, show "reconnecting", and ask the server again.
      const retryAfterMs = e instanceof RequestError && e.code === 'rate_limited' ? (e.retryAfterSeconds ?? 5) * 1_000 : 0;
      this.scheduleRecovery(retryAfterMs);
      return;
    }
    this.patch({ phase: 'error', message });
    this.rejoinSettled();
  }

  /** The rejoin after a drop has its answer (the room back, or an end): "connected" again if nothing else is pending. */
  private rejoinSettled(): void {
    this.rejoinPending = false;
    this.settleConnection();
  }

  /** Joins again after a backoff (2, 4, 8 … 30 s, or what the server asked for) until the server answers. */
  private scheduleRecovery(atLeastMs = 0): void {
    if (this.closed || this.recoveryTimer) return;
    this.patch({ connection: 'reconnecting' });
    const backoff = Math.min(30_000, 2_000 * 2 ** this.recoveryAttempts++);
    const wait = atLeastMs > 0 ? atLeastMs + Math.random() * 1_000 : backoff;
    this.recoveryTimer = setTimeout(() => {
      this.recoveryTimer = null;
      if (this.socket.connected) this.rejoin(); // otherwise the socket's connect event rejoins
    }, wait);
  }

  /** Wraps every room request: re-sent under one key when slow, "reconnecting" meanwhile. */
  private ask<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): ReturnType<typeof requestPatiently<E>> {
    return requestPatiently(this.socket, event, payload, {
      onSlow: () => {
        this.slowRequests++;
        this.patch({ connection: 'reconnecting' });
      },
      onSettledAfterSlow: () => {
        this.slowRequests = Math.max(0, this.slowRequests - 1);
        this.settleConnection();
      },
    });
  }

  /** Back to "connected" once nothing is slow, the socket is up and no recovery is pending. */
  private settleConnection(): void {
    if (this.slowRequests === 0 && !this.recoveryTimer && !this.rejoinPending && this.socket.connected) this.patch({ connection: 'connected' });
  }

  private patch(update: Partial<RoomState>): void {
    if (this.closed) return;
    this.current = { ...this.current, ...update };
    for (const l of this.listeners) l();
  }
}
