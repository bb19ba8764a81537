// Synthetic "pre-encoded" media as a browser would send it: opus every 20 ms
// with the ssrc-audio-level extension (what ActiveSpeakerObserver reads), and
// VP8 at 30 fps, ~600 kbit/s, frames cut into ≤ 1,100-byte packets behind a
// VP8 payload descriptor. Payload bytes are filler: mediasoup forwards without
// decoding and only parses the descriptor and the first payload byte.
import { randomBytes, randomInt } from 'node:crypto';

export const OPUS_PT = 100;
export const VP8_PT = 101;
export const AUDIO_LEVEL_EXT_ID = 1;
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

export const OPUS_PTIME_MS = 20;
export const VP8_FPS = 30;
export const VP8_MAX_PACKET_PAYLOAD = 1100;
/** Delta frame ≈ 600 kbit/s ÷ 30 fps; a key frame is 4× that, every KEYFRAME_EVERY frames. */
export const VP8_DELTA_FRAME_BYTES = 2400;
export const VP8_KEYFRAME_EVERY = 90;

const FILLER = randomBytes(4096);

/** RTP sequence numbers and timestamps for one SSRC; roc counts seq wraps for SRTP. */
class RtpStream {
  constructor(ssrc, payloadType, clockRate) {
    this.ssrc = ssrc;
    this.payloadType = payloadType;
    this.clockRate = clockRate;
    this.seq = randomInt(0, 0x8000);
    this.roc = 0;
    this.timestamp = randomInt(0, 0x7fffffff);
  }

  header(marker, extension) {
    const extLen = extension ? extension.length : 0;
    const buf = Buffer.allocUnsafe(12 + extLen);
    buf[0] = extension ? 0x90 : 0x80;
    buf[1] = (marker ? 0x80 : 0) | this.payloadType;
    buf.writeUInt16BE(this.seq, 2);
    buf.writeUInt32BE(this.timestamp >>> 0, 4);
    buf.writeUInt32BE(this.ssrc, 8);
    if (extension) extension.copy(buf, 12);
    return buf;
  }

  /** Returns the roc of the packet just written, then advances seq. */
  advanceSeq() {
    const roc = this.roc;
    this.seq = (this.seq + 1) & 0xffff;
    if (this.seq === 0) this.roc++;
    return roc;
  }
}

export class OpusStream extends RtpStream {
  constructor(ssrc) {
    super(ssrc, OPUS_PT, 48000);
  }

  /** One 20 ms packet. `speaking` moves the audio level, as a voice would. */
  next(speaking) {
    // One-byte header extension (RFC 8285): 0xBEDE, 1 word, id|len=0, V|level, 2 pad.
    const ext = Buffer.from([0xbe, 0xde, 0x00, 0x01, (AUDIO_LEVEL_EXT_ID << 4) | 0, 0, 0, 0]);
    // Level in -dBov (127 is silence); the V bit marks voice activity.
    const level = speaking ? 25 + randomInt(0, 15) : 90 + randomInt(0, 30);
    ext[5] = (speaking ? 0x80 : 0) | level;
    const header = this.header(false, ext);
    const payloadLen = speaking ? 90 + randomInt(0, 40) : 60 + randomInt(0, 30);
    const packet = Buffer.concat([header, FILLER.subarray(0, payloadLen)], header.length + payloadLen);
    const roc = this.advanceSeq();
    this.timestamp = (this.timestamp + (48000 * OPUS_PTIME_MS) / 1000) >>> 0;
    return { packet, roc };
  }

  /** A 20 ms frame not sent (opus DTX in silence): time moves on, the sequence number does not. */
  skip() {
    this.timestamp = (this.timestamp + (48000 * OPUS_PTIME_MS) / 1000) >>> 0;
  }
}

/**
 * Simulcast as Hearth's camera sends it (client RoomClient CAMERA_ENCODINGS: ¼, ½ and full
 * resolution at 150, 400 and 1,200 kbit/s), one SSRC a layer, 30 fps each: bytes of a
 * delta frame per layer (key frames are 4× that, as above).
 */
export const SIMULCAST_LAYER_KBPS = [150, 400, 1200];
export const simulcastDeltaFrameBytes = (kbps) => Math.round((kbps * 1000) / 8 / VP8_FPS);

export class Vp8Stream extends RtpStream {
  /** @param {number} deltaFrameBytes mean size of a delta frame (the stream's bitrate ÷ fps) */
  constructor(ssrc, deltaFrameBytes = VP8_DELTA_FRAME_BYTES) {
    super(ssrc, VP8_PT, 90000);
    this.deltaFrameBytes = deltaFrameBytes;
    this.pictureId = randomInt(0, 0x8000);
    this.tl0PicIdx = randomInt(0, 256);
    this.frame = 0;
  }

  /** All packets of the next frame; the first frame and every KEYFRAME_EVERY-th are key frames. */
  nextFrame() {
    const keyFrame = this.frame % VP8_KEYFRAME_EVERY === 0;
    const frameBytes = keyFrame ? 4 * this.deltaFrameBytes : Math.round(this.deltaFrameBytes * (0.8 + 0.4 * Math.random()));
    const count = Math.ceil(frameBytes / VP8_MAX_PACKET_PAYLOAD);
    const per = Math.ceil(frameBytes / count);
    const out = [];
    for (let i = 0; i < count; i++) {
      // VP8 payload descriptor (RFC 7741) as Chrome sends it: X=1, S on the first
      // packet, PID 0; I, L, T set; 15-bit PictureID; TL0PICIDX; TID 0 with Y=1.
      const desc = Buffer.from([
        0x80 | (i === 0 ? 0x10 : 0),
        0xe0,
        0x80 | (this.pictureId >> 8),
        this.pictureId & 0xff,
        this.tl0PicIdx,
        0x20,
      ]);
      const header = this.header(i === count - 1, null);
      const body = FILLER.subarray(0, Math.min(per, frameBytes - i * per));
      const packet = Buffer.concat([header, desc, body], header.length + desc.length + body.length);
      // First byte of the VP8 frame tag: bit 0 is the inverse key-frame flag.
      if (i === 0) packet[12 + desc.length] = keyFrame ? 0x10 : 0x11;
      out.push({ packet, roc: this.advanceSeq() });
    }
    this.frame++;
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    this.tl0PicIdx = (this.tl0PicIdx + 1) & 0xff;
    this.timestamp = (this.timestamp + 90000 / VP8_FPS) >>> 0;
    return out;
  }
}

/** Mean packets per second one participant sends (opus + VP8), for projections. */
export function packetsPerSecondPerParticipant() {
  const framePackets =
    ((VP8_KEYFRAME_EVERY - 1) * expectedPackets(VP8_DELTA_FRAME_BYTES) + expectedPackets(4 * VP8_DELTA_FRAME_BYTES)) /
    VP8_KEYFRAME_EVERY;
  return 1000 / OPUS_PTIME_MS + VP8_FPS * framePackets;
}

function expectedPackets(bytes) {
  // Delta frames vary ±20 %: 1,920–2,880 bytes is 2 or 3 packets.
  if (bytes === VP8_DELTA_FRAME_BYTES) return 2 + (2880 - 2200) / (2880 - 1920);
  return Math.ceil(bytes / VP8_MAX_PACKET_PAYLOAD);
}

/** RTCP (RFC 5761 demux): second byte 192–223. */
export function isRtcp(packet) {
  return packet.length >= 2 && packet[1] >= 192 && packet[1] <= 223;
}
