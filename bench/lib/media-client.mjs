// A simulated participant for the benches: the browser's own RoomClient
// (client/src/media/RoomClient.ts, bundled for Node with esbuild) on the
// browser's own socket (client/src/realtime/socket.ts: reconnect backoff,
// cluster redirect), with mediasoup-client's Chrome111 handler running on
// libwebrtc in Node (@roamhq/wrtc: real ICE, DTLS-SRTP, opus). Each
// participant sends a microphone: a 440 Hz tone fed into wrtc's
// RTCAudioSource, encoded by libwebrtc. No camera: audio keeps 11 encoders and
// 110 decoders within what the 2-core machine can carry next to two servers.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './hearth-nodes.mjs';

const rootRequire = createRequire(path.join(root, 'package.json'));
const clientRequire = createRequire(path.join(root, 'client', 'package.json'));

let loaded;

/** Installs libwebrtc as the page's WebRTC and loads the bundled RoomClient (once per process). */
export async function loadClient() {
  if (loaded) return loaded;
  const wrtc = rootRequire('@roamhq/wrtc');
  Object.assign(globalThis, {
    RTCPeerConnection: wrtc.RTCPeerConnection,
    RTCSessionDescription: wrtc.RTCSessionDescription,
    RTCIceCandidate: wrtc.RTCIceCandidate,
    RTCRtpSender: wrtc.RTCRtpSender,
    RTCRtpReceiver: wrtc.RTCRtpReceiver,
    RTCRtpTransceiver: wrtc.RTCRtpTransceiver,
    MediaStream: wrtc.MediaStream,
    MediaStreamTrack: wrtc.MediaStreamTrack,
  });
  // mediasoup-client picks its handler from the user agent: the one Chrome uses.
  if (typeof globalThis.navigator === 'undefined' || !globalThis.navigator.userAgent?.includes('Chrome')) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36' },
      configurable: true,
    });
  }
  const esbuild = createRequire(clientRequire.resolve('vite'))('esbuild');
  const outDir = path.join(root, 'bench/results/.build');
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, 'room-client.mjs');
  await esbuild.build({
    stdin: {
      contents: `export { RoomClient } from './src/media/RoomClient';\nexport { createSocket } from './src/realtime/socket';\n`,
      resolveDir: path.join(root, 'client'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    // ws's optional native helpers; engine.io-client's Node build needs `require`.
    external: ['bufferutil', 'utf-8-validate'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const mod = await import(pathToFileURL(outfile).href);
  loaded = { wrtc, RoomClient: mod.RoomClient, createSocket: mod.createSocket };
  return loaded;
}

/** A microphone: a 440 Hz tone in 10 ms frames (what RTCAudioSource takes). */
export function toneMicrophone(wrtc) {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const sampleRate = 48_000;
  const samples = new Int16Array(sampleRate / 100);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  const frame = { samples, sampleRate, bitsPerSample: 16, channelCount: 1, numberOfFrames: samples.length };
  const timer = setInterval(() => source.onData(frame), 10);
  return {
    stream: new wrtc.MediaStream([track]),
    stop() {
      clearInterval(timer);
      track.stop();
    },
  };
}

/**
 * One participant: socket (through `url`), RoomClient, microphone.
 * `receiving()` answers per remote user whether a consumer created after
 * `since` (a set of consumer ids that existed before) has received RTP.
 */
export async function participant({ url, token, sessionId, node }) {
  const { wrtc, RoomClient, createSocket } = await loadClient();
  const socket = createSocket({ token, url, autoConnect: false });
  socket.io.opts.transports = ['websocket'];
  if (node) socket.io.opts.query = { node };
  const room = new RoomClient(socket, sessionId);
  const mic = toneMicrophone(wrtc);
  room.setLocalStream(mic.stream);
  socket.connect();
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    room,
    socket,
    /** Consumer ids the RoomClient holds now. */
    consumerIds: () => new Set(room.consumers.keys()),
    /**
     * Remote user ids whose audio arrives on a consumer not in `old`: its SSRC
     * has packetsReceived > 0 in the receive transport's stats (libwebrtc in
     * Node reports stats per peer connection, not per receiver).
     */
    async receivingFrom(old) {
      const fresh = [...room.consumers.entries()].filter(([id, c]) => !old.has(id) && !c.consumer.closed && c.kind === 'audio');
      const got = new Set();
      const transport = room.recvTransport;
      if (fresh.length === 0 || !transport || transport.closed) return got;
      const stats = await transport.getStats().catch(() => null);
      const packets = new Map();
      stats?.forEach((s) => {
        if (s.type === 'inbound-rtp') packets.set(s.ssrc, s.packetsReceived ?? 0);
      });
      for (const [, c] of fresh) {
        const ssrc = c.consumer.rtpParameters.encodings?.[0]?.ssrc;
        if ((packets.get(ssrc) ?? 0) > 0) got.add(c.userId);
      }
      return got;
    },
    close() {
      room.close?.();
      socket.close();
      mic.stop();
    },
  };
}
