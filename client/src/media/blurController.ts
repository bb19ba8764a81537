import { canBlurBackground, isBackgroundBlurred, setBackgroundBlur as applyNativeBlur } from './backgroundBlur';

/**
 * Which background blur a camera gets, and its state: the browser's own
 * effect where the camera has it ('native'), else MediaPipe selfie
 * segmentation on the device ('fallback', when the browser can run it), else
 * none (no toggle). The fallback sends a processed track instead of the
 * camera's; this class owns that track and tells the caller which track to
 * send. The processing itself (selfieBlur.ts) is injected, so the logic here
 * is tested without a camera.
 */

export type BlurMode = 'native' | 'fallback' | 'none';
/** off; starting (the model loads); on; failed (the camera goes out unblurred, `blurError` says why). */
export type BlurStatus = 'off' | 'starting' | 'on' | 'failed';

/** A running fallback: `track` is the blurred video (a canvas capture). */
export interface BlurProcessor {
  readonly track: MediaStreamTrack;
  /** Camera off: no frames are processed until it is on again. */
  setPaused(paused: boolean): void;
  /** Stops processing and the processed track. */
  stop(): void;
}

export type StartBlurProcessor = (camera: MediaStreamTrack) => Promise<BlurProcessor>;

export interface BlurView {
  blurAvailable: boolean;
  backgroundBlur: boolean;
  blurMode: BlurMode;
  blurStatus: BlurStatus;
  blurError: string | null;
  /** The blurred video for the self-view while the fallback runs; null otherwise (show the camera). */
  blurredStream: MediaStream | null;
}

export const BLUR_FAILED_MESSAGE = 'We could not start background blur on this device. Your camera is still on, without blur.';

export const initialBlurView: BlurView = {
  blurAvailable: false,
  backgroundBlur: false,
  blurMode: 'none',
  blurStatus: 'off',
  blurError: null,
  blurredStream: null,
};

export interface BlurControllerDeps {
  /** The browser can run the fallback (wasm, WebGL2, canvas capture). */
  fallbackSupported(): boolean;
  startProcessor: StartBlurProcessor;
  onChange(view: BlurView): void;
}

export class BlurController {
  private camera: MediaStreamTrack | null = null;
  private processor: BlurProcessor | null = null;
  private paused = false;
  /** Bumped on every change of mind, so a start that finishes late is thrown away. */
  private generation = 0;
  private current: BlurView = initialBlurView;

  constructor(private readonly deps: BlurControllerDeps) {}

  get view(): BlurView {
    return this.current;
  }

  /** Which blur this camera gets. */
  modeFor(camera: MediaStreamTrack | null | undefined): BlurMode {
    if (!camera || camera.kind !== 'video') return 'none';
    if (canBlurBackground(camera)) return 'native';
    return this.deps.fallbackSupported() ? 'fallback' : 'none';
  }

  /** A (new) camera track: whatever ran on the old one stops; blur starts off (or as the native effect already is). */
  setCamera(camera: MediaStreamTrack | null | undefined): void {
    if ((camera ?? null) === this.camera && this.current.blurMode !== 'none') return;
    this.generation++;
    this.stopProcessor();
    this.camera = camera ?? null;
    const mode = this.modeFor(this.camera);
    const blurred = mode === 'native' && isBackgroundBlurred(this.camera);
    this.update({
      blurAvailable: mode !== 'none',
      blurMode: mode,
      backgroundBlur: blurred,
      blurStatus: blurred ? 'on' : 'off',
      blurError: null,
      blurredStream: null,
    });
  }

  /** The track to send for the camera now: the processed one while the fallback runs, else the camera. */
  sendTrack(): MediaStreamTrack | null {
    return this.processor?.track ?? this.camera;
  }

  /**
   * Turns blur on or off. Resolves with the track to send afterwards (null
   * when there is no camera). Rejects when it could not: the state is then
   * 'failed' with a message, and the camera is what goes out.
   */
  async set(on: boolean): Promise<MediaStreamTrack | null> {
    const camera = this.camera;
    const mode = this.modeFor(camera);
    const generation = ++this.generation;
    if (!camera || mode === 'none') throw new Error('This browser cannot blur your background.');
    if (mode === 'native') {
      if (!(await applyNativeBlur(camera, on))) {
        this.update({ backgroundBlur: false, blurStatus: 'failed', blurError: BLUR_FAILED_MESSAGE });
        throw new Error(BLUR_FAILED_MESSAGE);
      }
      this.update({ backgroundBlur: on, blurStatus: on ? 'on' : 'off', blurError: null });
      return camera;
    }
    if (!on) {
      this.stopProcessor();
      this.update({ backgroundBlur: false, blurStatus: 'off', blurError: null, blurredStream: null });
      return camera;
    }
    if (this.processor) return this.processor.track;
    this.update({ backgroundBlur: true, blurStatus: 'starting', blurError: null });
    let processor: BlurProcessor;
    try {
      processor = await this.deps.startProcessor(camera);
    } catch (e) {
      if (generation === this.generation) {
        this.update({ backgroundBlur: false, blurStatus: 'failed', blurError: BLUR_FAILED_MESSAGE });
      }
      throw new Error(BLUR_FAILED_MESSAGE, { cause: e });
    }
    // Turned off, restarted or given another camera meanwhile: this one is not wanted.
    if (generation !== this.generation || camera !== this.camera) {
      processor.stop();
      return this.sendTrack();
    }
    this.processor = processor;
    processor.setPaused(this.paused);
    this.update({ backgroundBlur: true, blurStatus: 'on', blurredStream: new MediaStream([processor.track]) });
    return processor.track;
  }

  /** Camera off / on: the fallback stops processing frames meanwhile. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.processor?.setPaused(paused);
  }

  /** Leaving the room: processing stops; the choice itself is kept by the caller. */
  stop(): void {
    this.generation++;
    this.stopProcessor();
    if (this.current.blurMode === 'fallback') {
      this.update({ backgroundBlur: false, blurStatus: 'off', blurredStream: null });
    }
  }

  private stopProcessor(): void {
    this.processor?.stop();
    this.processor = null;
  }

  private update(patch: Partial<BlurView>): void {
    this.current = { ...this.current, ...patch };
    this.deps.onChange(this.current);
  }
}
