import { audioConstraints, noiseSuppressionFor, setNoiseSuppressionFor } from './audioProcessing';

describe('microphone processing (noise suppression on by default, kept per device)', () => {
  beforeEach(() => localStorage.clear());

  it('asks for noise suppression, echo cancellation and gain control by default', () => {
    expect(audioConstraints('')).toEqual({ noiseSuppression: true, echoCancellation: true, autoGainControl: true });
    expect(audioConstraints('mic-1')).toEqual({ deviceId: { exact: 'mic-1' }, noiseSuppression: true, echoCancellation: true, autoGainControl: true });
  });

  it('remembers turning noise suppression off for one microphone only', () => {
    setNoiseSuppressionFor('usb-interface', false);
    expect(noiseSuppressionFor('usb-interface')).toBe(false);
    expect(noiseSuppressionFor('laptop-mic')).toBe(true);
    expect(audioConstraints('usb-interface')).toMatchObject({ noiseSuppression: false, echoCancellation: true });
    setNoiseSuppressionFor('usb-interface', true);
    expect(noiseSuppressionFor('usb-interface')).toBe(true);
  });
});
