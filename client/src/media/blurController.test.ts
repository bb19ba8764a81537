import { BLUR_FAILED_MESSAGE, BlurController, type BlurProcessor, type BlurView } from './blurController';

/** jsdom has no MediaStream: enough of one to hold the processed track. */
class FakeMediaStream {
  constructor(private readonly tracks: MediaStreamTrack[]) {}
  getVideoTracks() {
    return this.tracks;
  }
}
Object.assign(globalThis, { MediaStream: FakeMediaStream });

/** A camera track; with `blurOptions` it has the browser's own blur. */
function camera(blurOptions?: boolean[]) {
  let blurred = false;
  return {
    kind: 'video',
    getCapabilities: () => (blurOptions ? { backgroundBlur: blurOptions } : {}),
    getSettings: () => (blurOptions ? { backgroundBlur: blurred } : {}),
    applyConstraints: jest.fn(async (c: { backgroundBlur?: boolean }) => {
      if (c.backgroundBlur !== undefined) blurred = c.backgroundBlur;
    }),
  } as unknown as MediaStreamTrack;
}

function processor(): BlurProcessor & { stop: jest.Mock; setPaused: jest.Mock } {
  return { track: { kind: 'video', id: 'processed' } as MediaStreamTrack, stop: jest.fn(), setPaused: jest.fn() };
}

/** A processor start the test finishes (or fails) when it wants. */
function deferredStart() {
  const calls: { camera: MediaStreamTrack; resolve(p: BlurProcessor): void; reject(e: Error): void }[] = [];
  const start = jest.fn(
    (cam: MediaStreamTrack) =>
      new Promise<BlurProcessor>((resolve, reject) => {
        calls.push({ camera: cam, resolve, reject });
      }),
  );
  return { start, calls };
}

function controller(options: { fallback?: boolean; start?: (camera: MediaStreamTrack) => Promise<BlurProcessor> } = {}) {
  const views: BlurView[] = [];
  const c = new BlurController({
    fallbackSupported: () => options.fallback ?? true,
    startProcessor: options.start ?? (async () => processor()),
    onChange: (v) => views.push(v),
  });
  return { c, views };
}

describe('blur selection: native, fallback or none', () => {
  it('prefers the browser’s own effect, then the fallback, else offers nothing', () => {
    const { c } = controller({ fallback: true });
    expect(c.modeFor(camera([false, true]))).toBe('native');
    expect(c.modeFor(camera())).toBe('fallback');
    expect(c.modeFor(null)).toBe('none');
    const { c: without } = controller({ fallback: false });
    expect(without.modeFor(camera([false, true]))).toBe('native');
    expect(without.modeFor(camera())).toBe('none');
  });

  it('is available (the toggle shows) only when a mode exists', () => {
    const { c } = controller({ fallback: false });
    c.setCamera(camera());
    expect(c.view).toMatchObject({ blurAvailable: false, blurMode: 'none' });
    c.setCamera(camera([false, true]));
    expect(c.view).toMatchObject({ blurAvailable: true, blurMode: 'native', blurStatus: 'off' });
    const { c: fallback } = controller({ fallback: true });
    fallback.setCamera(camera());
    expect(fallback.view).toMatchObject({ blurAvailable: true, blurMode: 'fallback', blurStatus: 'off' });
  });

  it('refuses where nothing can blur', async () => {
    const { c } = controller({ fallback: false });
    c.setCamera(camera());
    await expect(c.set(true)).rejects.toThrow(/cannot blur/);
  });
});

describe('native blur', () => {
  it('switches the camera’s own effect; the camera track is what goes out', async () => {
    const cam = camera([false, true]);
    const start = jest.fn();
    const { c } = controller({ start });
    c.setCamera(cam);
    await expect(c.set(true)).resolves.toBe(cam);
    expect(cam.applyConstraints).toHaveBeenCalledWith({ backgroundBlur: true });
    expect(c.view).toMatchObject({ backgroundBlur: true, blurStatus: 'on', blurredStream: null });
    await c.set(false);
    expect(c.view).toMatchObject({ backgroundBlur: false, blurStatus: 'off' });
    expect(start).not.toHaveBeenCalled();
  });

  it('a camera that refuses the effect is reported as failed', async () => {
    const cam = camera([false, true]);
    (cam.applyConstraints as jest.Mock).mockImplementation(async () => undefined); // accepted but not applied
    const { c } = controller();
    c.setCamera(cam);
    await expect(c.set(true)).rejects.toThrow(BLUR_FAILED_MESSAGE);
    expect(c.view).toMatchObject({ backgroundBlur: false, blurStatus: 'failed', blurError: BLUR_FAILED_MESSAGE });
  });
});

describe('fallback blur', () => {
  it('starting → on: sends the processed track and shows it in the self-view; off gives the camera back and stops it', async () => {
    const cam = camera();
    const { start, calls } = deferredStart();
    const { c } = controller({ start });
    c.setCamera(cam);
    expect(c.sendTrack()).toBe(cam);

    const turningOn = c.set(true);
    expect(c.view).toMatchObject({ backgroundBlur: true, blurStatus: 'starting', blurError: null });
    expect(c.sendTrack()).toBe(cam); // the camera goes out while the model loads
    const p = processor();
    calls[0]!.resolve(p);
    await expect(turningOn).resolves.toBe(p.track);
    expect(c.view).toMatchObject({ backgroundBlur: true, blurStatus: 'on' });
    expect(c.view.blurredStream?.getVideoTracks()[0]).toBe(p.track);
    expect(c.sendTrack()).toBe(p.track);

    await expect(c.set(false)).resolves.toBe(cam);
    expect(p.stop).toHaveBeenCalled();
    expect(c.view).toMatchObject({ backgroundBlur: false, blurStatus: 'off', blurredStream: null });
    expect(c.sendTrack()).toBe(cam);
  });

  it('a model that cannot start: failed with a message, the camera still goes out', async () => {
    const cam = camera();
    const start = jest.fn().mockRejectedValueOnce(new Error('no WebGL')).mockResolvedValueOnce(processor());
    const { c } = controller({ start });
    c.setCamera(cam);
    await expect(c.set(true)).rejects.toThrow(BLUR_FAILED_MESSAGE);
    expect(c.view).toMatchObject({ backgroundBlur: false, blurStatus: 'failed', blurError: BLUR_FAILED_MESSAGE });
    expect(c.sendTrack()).toBe(cam);
    // Trying again clears the message.
    const retry = c.set(true);
    expect(c.view).toMatchObject({ blurStatus: 'starting', blurError: null });
    await retry;
    expect(c.view).toMatchObject({ blurStatus: 'on', blurError: null });
  });

  it('turned off while still starting: the late processor is stopped and never sent', async () => {
    const cam = camera();
    const { start, calls } = deferredStart();
    const { c } = controller({ start });
    c.setCamera(cam);
    const turningOn = c.set(true);
    await c.set(false);
    const late = processor();
    calls[0]!.resolve(late);
    await expect(turningOn).resolves.toBe(cam);
    expect(late.stop).toHaveBeenCalled();
    expect(c.view).toMatchObject({ backgroundBlur: false, blurStatus: 'off' });
    expect(c.sendTrack()).toBe(cam);
  });

  it('camera off pauses processing (also for a processor that starts while it is off); leaving stops it', async () => {
    const cam = camera();
    const { start, calls } = deferredStart();
    const { c } = controller({ start });
    c.setCamera(cam);
    c.setPaused(true);
    const turningOn = c.set(true);
    const p = processor();
    calls[0]!.resolve(p);
    await turningOn;
    expect(p.setPaused).toHaveBeenLastCalledWith(true);
    c.setPaused(false);
    expect(p.setPaused).toHaveBeenLastCalledWith(false);
    c.stop();
    expect(p.stop).toHaveBeenCalled();
    expect(c.view).toMatchObject({ backgroundBlur: false, blurStatus: 'off', blurredStream: null });
    expect(c.sendTrack()).toBe(cam);
  });

  it('a new camera stops the old one’s processing; the same camera again changes nothing', async () => {
    const cam = camera();
    const p = processor();
    const { c } = controller({ start: async () => p });
    c.setCamera(cam);
    await c.set(true);
    c.setCamera(cam);
    expect(p.stop).not.toHaveBeenCalled();
    expect(c.view.blurStatus).toBe('on');
    const other = camera();
    c.setCamera(other);
    expect(p.stop).toHaveBeenCalled();
    expect(c.view).toMatchObject({ blurStatus: 'off', blurredStream: null });
    expect(c.sendTrack()).toBe(other);
  });
});
