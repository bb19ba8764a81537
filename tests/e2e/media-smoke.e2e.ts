/**
 * Browser ↔ mediasoup smoke test: real Chromium (fake camera + microphone)
 * sends audio and video to a real mediasoup worker over WebRTC (ICE, DTLS,
 * SRTP) and receives both back. It fails if the worker crashes on the DTLS
 * handshake (see scripts/mediasoup-worker/README.md), if media does not flow,
 * or if the browser cannot decode what it gets back.
 *
 * Self-contained on purpose: a tiny HTTP server with JSON signalling and one
 * router stand in for the Hearth server, so this proves the media foundation
 * independently of the product code.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type * as Mediasoup from '../../server/node_modules/mediasoup';
import type { ReceiveStats } from './media-smoke/page';
import { launchChromium } from './support/browser';

type Worker = Mediasoup.types.Worker;
type Router = Mediasoup.types.Router;
type WebRtcTransport = Mediasoup.types.WebRtcTransport;
type Producer = Mediasoup.types.Producer;
type Consumer = Mediasoup.types.Consumer;

/** mediasoup exactly as the server resolves it, so the test uses the server's worker binary. */
const mediasoup: typeof Mediasoup = require(
  require.resolve('mediasoup', { paths: [path.join(__dirname, '../../server')] }),
);

jest.setTimeout(60_000);

const mediaCodecs: Mediasoup.types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Signalling state and handlers: one router, the browser's transports, producers and consumers. */
class SmokeRoom {
  readonly transports = new Map<string, WebRtcTransport>();
  readonly producers = new Map<string, Producer>();
  readonly consumers = new Map<string, Consumer>();

  constructor(private readonly router: Router) {}

  private transport(id: unknown): WebRtcTransport {
    const transport = this.transports.get(String(id));
    if (!transport) throw new HttpError(404, `no transport ${String(id)}`);
    return transport;
  }

  readonly handlers: Record<string, (body: Record<string, any>) => Promise<unknown>> = {
    routerRtpCapabilities: async () => this.router.rtpCapabilities,
    createTransport: async () => {
      const transport = await this.router.createWebRtcTransport({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1' },
          { protocol: 'tcp', ip: '127.0.0.1' },
        ],
      });
      this.transports.set(transport.id, transport);
      const { id, iceParameters, iceCandidates, dtlsParameters } = transport;
      return { id, iceParameters, iceCandidates, dtlsParameters };
    },
    connectTransport: async ({ transportId, dtlsParameters }) => {
      await this.transport(transportId).connect({ dtlsParameters });
      return {};
    },
    produce: async ({ transportId, kind, rtpParameters }) => {
      const producer = await this.transport(transportId).produce({ kind, rtpParameters });
      this.producers.set(producer.id, producer);
      return { id: producer.id };
    },
    consume: async ({ transportId, producerId, rtpCapabilities }) => {
      if (!this.router.canConsume({ producerId, rtpCapabilities })) {
        throw new HttpError(400, `cannot consume ${String(producerId)}`);
      }
      // Paused until the browser has set up its side (resumeConsumer), so the
      // first packets, and the key frame, are not lost.
      const consumer = await this.transport(transportId).consume({ producerId, rtpCapabilities, paused: true });
      this.consumers.set(consumer.id, consumer);
      const { id, kind, rtpParameters } = consumer;
      return { id, producerId, kind, rtpParameters };
    },
    resumeConsumer: async ({ consumerId }) => {
      const consumer = this.consumers.get(String(consumerId));
      if (!consumer) throw new HttpError(404, `no consumer ${String(consumerId)}`);
      await consumer.resume();
      return {};
    },
  };
}

async function readJsonBody(req: http.IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

function startHttpServer(room: SmokeRoom, pageScript: string): Promise<http.Server> {
  const html = '<!doctype html><meta charset="utf-8"><title>media smoke</title><link rel="icon" href="data:,"><script src="/page.js"></script>';
  const server = http.createServer((req, res) => {
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method === 'GET' && req.url === '/') return send(200, 'text/html', html);
    if (req.method === 'GET' && req.url === '/page.js') return send(200, 'text/javascript', pageScript);
    const action = req.method === 'POST' && req.url?.startsWith('/api/') ? req.url.slice(5) : undefined;
    const handler = action ? room.handlers[action] : undefined;
    if (!handler) return send(404, 'application/json', JSON.stringify({ error: 'not found' }));
    readJsonBody(req)
      .then(handler)
      .then(
        (result) => send(200, 'application/json', JSON.stringify(result)),
        (error: Error) =>
          send(error instanceof HttpError ? error.status : 500, 'application/json', JSON.stringify({ error: error.message })),
      );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function bundlePageScript(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(__dirname, 'media-smoke', 'page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('media smoke: Chromium ↔ mediasoup worker', () => {
  let worker: Worker | undefined;
  let workerDied: Error | undefined;
  let room: SmokeRoom;
  let server: http.Server | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let baseUrl: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const pageScript = await bundlePageScript();
    worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
    worker.on('died', (error) => {
      workerDied = error;
    });
    room = new SmokeRoom(await worker.createRouter({ mediaCodecs }));
    server = await startHttpServer(room, pageScript);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    worker?.close();
  });

  /** Receive-side stats from the page; fails at once if the worker died meanwhile. */
  async function receiveStats(): Promise<ReceiveStats> {
    if (workerDied) throw new Error(`mediasoup worker died: ${workerDied.message}`);
    return page.evaluate(() => window.mediaSmoke.stats());
  }

  async function waitForStats(condition: (s: ReceiveStats) => boolean, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    let last = await receiveStats();
    while (!condition(last)) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}; last stats ${JSON.stringify(last)}; page errors: ${JSON.stringify(pageErrors)}`,
        );
      }
      await sleep(250);
      last = await receiveStats();
    }
    return last;
  }

  it('sends fake camera + microphone through the worker and decodes both coming back', async () => {
    await page.goto(baseUrl);
    const started = await page.evaluate(() => window.mediaSmoke.start()).catch((error: Error) => {
      // A worker crash shows up in the page as a failed request; say what really happened.
      throw workerDied ? new Error(`mediasoup worker died (${workerDied.message}); page: ${error.message}`) : error;
    });
    expect(started.producerIds).toHaveLength(2);
    expect(started.consumerIds).toHaveLength(2);

    // ICE + DTLS done on both transports, first frames decoded.
    const first = await waitForStats(
      (s) => s.recvTransportState === 'connected' && s.videoFramesDecoded > 0 && s.audioBytesReceived > 0,
      20_000,
      'connected transports and first decoded video frame',
    );
    expect(first.sendTransportState).toBe('connected');
    expect(room.transports.size).toBe(2);
    for (const transport of room.transports.values()) expect(transport.dtlsState).toBe('connected');

    // Media keeps flowing: decoded frames and audio bytes grow over two seconds.
    await sleep(2000);
    const later = await receiveStats();
    expect(later.videoFramesDecoded).toBeGreaterThan(first.videoFramesDecoded + 10);
    expect(later.videoFramesPresented).toBeGreaterThan(first.videoFramesPresented);
    expect(later.videoFrameWidth).toBeGreaterThan(0);
    expect(later.audioBytesReceived).toBeGreaterThan(first.audioBytesReceived);
    expect(later.audioPacketsReceived).toBeGreaterThan(first.audioPacketsReceived + 20);

    // The worker saw it too: both producers received RTP, consumers are live.
    for (const producer of room.producers.values()) {
      const stats = await producer.getStats();
      expect(stats.reduce((sum, s) => sum + s.byteCount, 0)).toBeGreaterThan(0);
    }
    for (const consumer of room.consumers.values()) expect(consumer.paused).toBe(false);

    expect(workerDied).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });
});
