import { canBlurBackground, isBackgroundBlurred, setBackgroundBlur } from './backgroundBlur';

/** A camera track as a browser with (or without) its own blur effect reports it. */
function fakeCamera(blurOptions: boolean[] | undefined) {
  let blurred = false;
  const track = {
    kind: 'video',
    getCapabilities: () => (blurOptions ? { backgroundBlur: blurOptions } : {}),
    getSettings: () => (blurOptions ? { backgroundBlur: blurred } : {}),
    applyConstraints: jest.fn(async (c: { backgroundBlur?: boolean }) => {
      if (c.backgroundBlur !== undefined) blurred = c.backgroundBlur;
    }),
  };
  return track as unknown as MediaStreamTrack & { applyConstraints: jest.Mock };
}

describe('background blur (the browser’s own camera effect)', () => {
  it('is offered only where the camera can blur', () => {
    expect(canBlurBackground(fakeCamera([false, true]))).toBe(true);
    expect(canBlurBackground(fakeCamera([false]))).toBe(false); // the OS has the effect off and fixed
    expect(canBlurBackground(fakeCamera(undefined))).toBe(false);
    expect(canBlurBackground(null)).toBe(false);
  });

  it('turns on and off on the same track (the producer keeps sending it)', async () => {
    const cam = fakeCamera([false, true]);
    await expect(setBackgroundBlur(cam, true)).resolves.toBe(true);
    expect(cam.applyConstraints).toHaveBeenCalledWith({ backgroundBlur: true });
    expect(isBackgroundBlurred(cam)).toBe(true);
    await setBackgroundBlur(cam, false);
    expect(isBackgroundBlurred(cam)).toBe(false);
  });

  it('does nothing where the browser cannot blur', async () => {
    const cam = fakeCamera(undefined);
    await expect(setBackgroundBlur(cam, true)).resolves.toBe(false);
    expect(cam.applyConstraints).not.toHaveBeenCalled();
  });
});
