import type { BlurProcessor } from './blurController';

/**
 * The background blur fallback, on the device: MediaPipe selfie segmentation
 * (@mediapipe/selfie_segmentation, wasm + WebGL, its model in the package)
 * finds the person in each camera frame; a canvas draws them sharp over a
 * blurred copy of the frame; the canvas's captured track is what we send.
 * The package's files are served from our own origin (vite.config.ts copies
 * them into the build), never from a CDN.
 *
 * CPU: at most `fps` frames a second (15), one at a time (a slow frame is
 * skipped, not queued), at the camera's resolution; the background is blurred
 * at a quarter of the size and scaled up (cheap, and scaling blurs too). The
 * clock is a tiny Worker's timer, which keeps running in a background tab
 * (the page's own timers slow to once a second there).
 */

export const SEGMENTATION_BASE = '/mediapipe/selfie_segmentation/';

interface SegmentationResults {
  image: CanvasImageSource;
  segmentationMask: CanvasImageSource;
}
interface Segmenter {
  setOptions(options: { modelSelection?: number; selfieMode?: boolean; useCpuInference?: boolean }): void;
  onResults(listener: (results: SegmentationResults) => void): void;
  initialize(): Promise<void>;
  send(inputs: { image: HTMLVideoElement }): Promise<void>;
  close(): Promise<void>;
}
type SegmenterConstructor = new (config: { locateFile: (file: string) => string }) => Segmenter;

declare global {
  interface Window {
    SelfieSegmentation?: SegmenterConstructor;
  }
}

/** Whether this browser can run the fallback: WebAssembly, WebGL2 (the model runs on it), canvas capture, canvas filters. */
export function selfieBlurSupported(): boolean {
  // Probed once per page: each probe makes (and gives back) a WebGL context.
  supported ??= probeSupport();
  return supported;
}
let supported: boolean | undefined;
/** WebGL is emulated on the CPU (no GPU): the model then runs faster on wasm than through emulated shaders. */
let softwareGl = false;

function probeSupport(): boolean {
  if (typeof window === 'undefined' || typeof document === 'undefined' || typeof WebAssembly !== 'object') return false;
  if (typeof HTMLCanvasElement === 'undefined' || typeof HTMLCanvasElement.prototype.captureStream !== 'function') return false;
  try {
    const probe = document.createElement('canvas');
    const ctx = probe.getContext('2d');
    if (!ctx || !('filter' in ctx)) return false;
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    softwareGl = /swiftshader|llvmpipe|software/i.test(renderer);
    gl.getExtension('WEBGL_lose_context')?.loseContext(); // a probe only: give the context back
    return true;
  } catch {
    return false;
  }
}

let loading: Promise<SegmenterConstructor> | null = null;

/** MediaPipe's script (a classic script that defines window.SelfieSegmentation), loaded once from our origin. */
function loadSegmenter(): Promise<SegmenterConstructor> {
  if (window.SelfieSegmentation) return Promise.resolve(window.SelfieSegmentation);
  loading ??= new Promise<SegmenterConstructor>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${SEGMENTATION_BASE}selfie_segmentation.js`;
    script.async = true;
    script.onload = () => (window.SelfieSegmentation ? resolve(window.SelfieSegmentation) : reject(new Error('segmentation did not load')));
    script.onerror = () => reject(new Error('segmentation did not load'));
    document.head.appendChild(script);
  });
  loading.catch(() => (loading = null));
  return loading;
}

/** A steady tick that background tabs do not throttle (a Worker's timer), else the page's own. */
function startTicker(intervalMs: number, tick: () => void): () => void {
  let timer: ReturnType<typeof setInterval> | null = null;
  const pageTimer = () => (timer ??= setInterval(tick, intervalMs));
  let worker: Worker | null = null;
  let url = '';
  try {
    url = URL.createObjectURL(
      new Blob([`let t;onmessage=(e)=>{clearInterval(t);if(e.data>0)t=setInterval(()=>postMessage(0),e.data)}`], { type: 'text/javascript' }),
    );
    worker = new Worker(url);
    worker.onmessage = tick;
    worker.onerror = pageTimer; // the worker could not start (a policy, an old browser): the page's timer then
    worker.postMessage(intervalMs);
  } catch {
    pageTimer();
  }
  return () => {
    worker?.terminate();
    if (url) URL.revokeObjectURL(url);
    if (timer) clearInterval(timer);
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took too long`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/** The last frames' processing times in ms (diagnostics and tests: window.__hearthBlurCosts). */
const frameCosts: number[] = [];
if (typeof window !== 'undefined') (window as unknown as { __hearthBlurCosts?: number[] }).__hearthBlurCosts = frameCosts;

export interface SelfieBlurOptions {
  fps?: number;
  /** Blur radius on the quarter-size background, in its pixels. */
  blurPx?: number;
  /** How long loading the model and the first frame may take. */
  startTimeoutMs?: number;
}

let shared: Promise<Segmenter> | null = null;
/** Where the shared segmenter's results go: the running blur's drawing. */
let deliver: ((results: SegmentationResults) => void) | null = null;

/**
 * One segmenter for the page, kept once loaded: MediaPipe's solution cannot
 * always be made again after close() in the same page, and turning blur
 * off and on again is instant this way. Only one blur runs at a time.
 */
function sharedSegmenter(): Promise<Segmenter> {
  shared ??= (async () => {
    const Segmentation = await loadSegmenter();
    const segmenter = new Segmentation({ locateFile: (file) => `${SEGMENTATION_BASE}${file}` });
    // The landscape model (144×256): made for video calls, and lighter.
    // Without a GPU, inference on wasm (MediaPipe's own iOS path) instead of CPU-emulated shaders.
    segmenter.setOptions({ modelSelection: 1, selfieMode: false, ...(softwareGl ? { useCpuInference: true } : {}) });
    segmenter.onResults((results) => deliver?.(results));
    await segmenter.initialize();
    return segmenter;
  })();
  shared.catch(() => (shared = null));
  return shared;
}

/** Starts blurring `camera`; resolves once the first blurred frame is drawn (rejects if the model cannot run). */
export async function startSelfieBlur(camera: MediaStreamTrack, options: SelfieBlurOptions = {}): Promise<BlurProcessor> {
  const { fps = 15, blurPx = 4, startTimeoutMs = 60_000 } = options;
  const segmenter = await withTimeout(sharedSegmenter(), startTimeoutMs, 'loading blur');

  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([camera]);
  const output = document.createElement('canvas');
  const ctx = output.getContext('2d');
  const small = document.createElement('canvas');
  const smallCtx = small.getContext('2d');
  if (!ctx || !smallCtx) throw new Error('no canvas');

  let drawn = 0;
  const draw = ({ image, segmentationMask }: SegmentationResults) => {
    const width = video.videoWidth || output.width;
    const height = video.videoHeight || output.height;
    if (output.width !== width || output.height !== height) {
      output.width = width;
      output.height = height;
      small.width = Math.max(1, Math.round(width / 4));
      small.height = Math.max(1, Math.round(height / 4));
    }
    // The background: the frame at a quarter size, blurred.
    smallCtx.filter = `blur(${blurPx}px)`;
    smallCtx.drawImage(image, 0, 0, small.width, small.height);
    // The person: the mask, then the frame only where the mask is; the blurred background behind it.
    ctx.save();
    ctx.globalCompositeOperation = 'copy';
    ctx.drawImage(segmentationMask, 0, 0, width, height);
    ctx.globalCompositeOperation = 'source-in';
    ctx.drawImage(image, 0, 0, width, height);
    ctx.globalCompositeOperation = 'destination-over';
    // A little larger than the frame: the blur's faded edges fall outside.
    const m = Math.round(width / 40);
    ctx.drawImage(small, -m, -m, width + 2 * m, height + 2 * m);
    ctx.restore();
    drawn++;
  };
  deliver = draw;

  let busy = false;
  let paused = false;
  let stopped = false;
  // A slow device: after a frame that took `cost` ms, wait as long again, so blur never takes more than half the page's time.
  let cost = 0;
  let doneAt = 0;
  const processFrame = async () => {
    if (busy || paused || stopped || video.readyState < 2) return;
    if (performance.now() - doneAt < cost) return;
    busy = true;
    const start = performance.now();
    try {
      await segmenter.send({ image: video });
    } catch {
      // One bad frame (a device change, a lost GL context): the next tick tries again.
    } finally {
      busy = false;
      doneAt = performance.now();
      cost = doneAt - start;
      frameCosts.push(cost);
      if (frameCosts.length > 50) frameCosts.shift();
    }
  };
  const release = () => {
    stopped = true;
    if (deliver === draw) deliver = null;
    video.pause();
    video.srcObject = null;
  };

  try {
    await withTimeout(
      (async () => {
        await video.play();
        // The first frame proves the model runs here; the processed track starts from it.
        await segmenter.send({ image: video });
        if (!drawn) throw new Error('no blurred frame');
      })(),
      startTimeoutMs,
      'starting blur',
    );
  } catch (e) {
    release();
    throw e;
  }

  const track = output.captureStream(fps).getVideoTracks()[0];
  if (!track) {
    release();
    throw new Error('no canvas capture');
  }
  const stopTicker = startTicker(Math.round(1000 / fps), () => void processFrame());
  return {
    track,
    setPaused(p) {
      paused = p;
    },
    stop() {
      if (stopped) return;
      release();
      stopTicker();
      track.stop();
    },
  };
}
