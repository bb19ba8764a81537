/**
 * Background blur through the browser's own camera effects (Chrome's
 * `backgroundBlur` constraint, where the platform provides it: processed on
 * the device, nothing leaves it unblurred). The blur applies to the camera
 * track itself, so the producer sends it without a track swap. Browsers
 * without it use the MediaPipe fallback (selfieBlur.ts, blurController.ts),
 * also processed on the device.
 */

type BlurCapabilities = MediaTrackCapabilities & { backgroundBlur?: boolean[] };
type BlurSettings = MediaTrackSettings & { backgroundBlur?: boolean };

/** Whether this camera track can be blurred by the browser. */
export function canBlurBackground(track: MediaStreamTrack | null | undefined): boolean {
  if (!track || track.kind !== 'video' || typeof track.getCapabilities !== 'function') return false;
  const caps = track.getCapabilities() as BlurCapabilities;
  return Array.isArray(caps.backgroundBlur) && caps.backgroundBlur.includes(true);
}

/** Whether the track is blurred now. */
export function isBackgroundBlurred(track: MediaStreamTrack | null | undefined): boolean {
  if (!track || typeof track.getSettings !== 'function') return false;
  return (track.getSettings() as BlurSettings).backgroundBlur === true;
}

/** Turns the browser's blur on or off for this track; false when the browser cannot. */
export async function setBackgroundBlur(track: MediaStreamTrack | null | undefined, on: boolean): Promise<boolean> {
  if (!track || !canBlurBackground(track)) return false;
  await track.applyConstraints({ backgroundBlur: on } as MediaTrackConstraints);
  return isBackgroundBlurred(track) === on;
}

const PREFERENCE_KEY = 'hearth.backgroundBlur';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled: blur starts off
  }
}

/** The user's last choice on this device (pre-join or room); off unless they turned it on. */
export function wantsBackgroundBlur(): boolean {
  return storage()?.getItem(PREFERENCE_KEY) === 'on';
}

export function rememberBackgroundBlur(on: boolean): void {
  const s = storage();
  if (!s) return;
  if (on) s.setItem(PREFERENCE_KEY, 'on');
  else s.removeItem(PREFERENCE_KEY);
}
