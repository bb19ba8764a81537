/**
 * The browser's own voice processing for the microphone: noise suppression,
 * echo cancellation and automatic gain, all on by default. Noise suppression
 * can be turned off (music therapy: it eats instruments and singing); that
 * choice is kept per microphone on this device.
 */

const KEY = 'hearth.noiseSuppression.';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled: the default applies
  }
}

/** Whether noise suppression is on for this microphone ('' = the default device). On unless turned off here. */
export function noiseSuppressionFor(deviceId: string): boolean {
  return storage()?.getItem(KEY + (deviceId || 'default')) !== 'off';
}

export function setNoiseSuppressionFor(deviceId: string, on: boolean): void {
  const s = storage();
  if (!s) return;
  if (on) s.removeItem(KEY + (deviceId || 'default'));
  else s.setItem(KEY + (deviceId || 'default'), 'off');
}

/** getUserMedia audio constraints for a microphone, with its noise-suppression choice. */
export function audioConstraints(deviceId: string, noiseSuppression = noiseSuppressionFor(deviceId)): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    noiseSuppression,
    echoCancellation: true,
    autoGainControl: true,
  };
}
