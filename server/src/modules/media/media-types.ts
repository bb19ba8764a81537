import type { types } from 'mediasoup';
import type { MediaSource } from '@hearth/protocol';

export type PeerId = string;

export interface TransportAppData extends types.AppData {
  peerId: PeerId;
  direction: 'send' | 'recv';
}

export interface ProducerAppData extends types.AppData {
  peerId: PeerId;
  source: MediaSource;
}

export interface ConsumerAppData extends types.AppData {
  peerId: PeerId;
  /** Who produced what this consumer receives. */
  producerPeerId: PeerId;
  source: MediaSource;
  /** Created ahead for a viewer not in the room yet (pre-join page, waiting room): only entering resumes it. */
  prepared?: boolean;
}

export interface NetworkOptions {
  listenIp: string;
  announcedAddress?: string;
  /** Benchmarks: where to append each video consumer's first key frame sent (config MEDIA_KEYFRAME_LOG). */
  keyFrameLog?: string;
}

/** Codecs every room's router offers: opus for voice, VP8 for video (simulcast in the browser). */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    preferredPayloadType: 101,
    parameters: { 'x-google-start-bitrate': 600 },
  },
];

export interface MediaRoomEvents {
  /** The dominant speaker changed. */
  activeSpeaker: [PeerId | null];
  /** A consumer's producer was paused or resumed (mute, camera off, floor rules). */
  consumerPaused: [{ peerId: PeerId; consumerId: string; paused: boolean }];
  /**
   * The highest layer anyone watches of a simulcast camera changed: its sender
   * (`peerId`) should encode layers 0 … `spatialLayer` only (SenderLayerPolicy).
   */
  senderMaxLayer: [{ peerId: PeerId; producerId: string; spatialLayer: number }];
  /** A consumer closed because its producer or transport went away. */
  consumerClosed: [{ peerId: PeerId; consumerId: string }];
  closed: [];
}
