import { useCallback, useEffect, useRef, useState } from 'react';
import { audioConstraints, noiseSuppressionFor, setNoiseSuppressionFor } from '../../media/audioProcessing';
import {
  canBlurBackground,
  isBackgroundBlurred,
  rememberBackgroundBlur,
  setBackgroundBlur as applyBlur,
  wantsBackgroundBlur,
} from '../../media/backgroundBlur';
import { selfieBlurSupported } from '../../media/selfieBlur';

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export interface LocalMedia {
  /** Camera and microphone as chosen; null while starting or when neither could be used. */
  stream: MediaStream | null;
  status: 'starting' | 'ready' | 'unavailable';
  /** What went wrong with the devices, in plain words (the user can still join to listen). */
  problem: string | null;
  cameras: DeviceOption[];
  microphones: DeviceOption[];
  cameraId: string;
  microphoneId: string;
  chooseCamera(deviceId: string): void;
  chooseMicrophone(deviceId: string): void;
  /** The opened stream has a microphone / camera track. */
  hasMicrophone: boolean;
  hasCamera: boolean;
  /** Start with the microphone / camera on; flips the track's `enabled`, so it carries into the room. */
  micOn: boolean;
  cameraOn: boolean;
  setMicOn(on: boolean): void;
  setCameraOn(on: boolean): void;
  /** Noise suppression on the chosen microphone (on by default; kept per device). */
  noiseSuppression: boolean;
  setNoiseSuppression(on: boolean): void;
  /**
   * Background blur can be had for this camera (the browser's own effect, or
   * the MediaPipe fallback in the room), and whether it is chosen. With the
   * fallback, the choice is remembered and blur starts on entering the room.
   */
  blurAvailable: boolean;
  backgroundBlur: boolean;
  /** 'fallback': the preview here stays unblurred; the room blurs. */
  blurMode: 'native' | 'fallback' | 'none';
  setBackgroundBlur(on: boolean): void;
  /** Stops the camera and microphone now (the session ended): the camera light goes off. */
  release(): void;
}

const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 960 },
  height: { ideal: 540 },
  frameRate: { ideal: 24, max: 30 },
};

function describeFailure(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Hearth is not allowed to use your camera or microphone. Allow access in your browser’s address bar, then reload this page. You can still join and listen.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'We could not find a camera or microphone. Check that one is plugged in. You can still join and listen.';
    case 'NotReadableError':
    case 'AbortError':
      return 'Your camera or microphone is busy in another app. Close that app and reload this page. You can still join and listen.';
    default:
      return 'We could not start your camera or microphone. You can still join and listen.';
  }
}

async function openDevices(
  mediaDevices: MediaDevices,
  cameraId: string,
  microphoneId: string,
  noiseSuppression: boolean,
): Promise<{ stream: MediaStream | null; problem: string | null }> {
  // Noise suppression, echo cancellation and gain control on (noise suppression as chosen for this microphone).
  const audio: MediaTrackConstraints = audioConstraints(microphoneId, noiseSuppression);
  const video: MediaTrackConstraints = cameraId ? { ...VIDEO_CONSTRAINTS, deviceId: { exact: cameraId } } : VIDEO_CONSTRAINTS;
  try {
    return { stream: await mediaDevices.getUserMedia({ audio, video }), problem: null };
  } catch (both) {
    // One device failing should not cost the other.
    try {
      const stream = await mediaDevices.getUserMedia({ audio });
      return { stream, problem: 'We could not start your camera, so others will hear you but not see you.' };
    } catch {
      try {
        const stream = await mediaDevices.getUserMedia({ video });
        return { stream, problem: 'We could not start your microphone, so others will see you but not hear you.' };
      } catch {
        return { stream: null, problem: describeFailure(both) };
      }
    }
  }
}

function toOptions(devices: MediaDeviceInfo[], kind: MediaDeviceKind, noun: string): DeviceOption[] {
  return devices
    .filter((d) => d.kind === kind && d.deviceId)
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${noun} ${i + 1}` }));
}

/**
 * The local camera and microphone for the pre-join check and the room: opens
 * them, lists the alternatives, reopens on a new choice, and stops every
 * track when the page goes away.
 */
export function useLocalMedia(): LocalMedia {
  const [choice, setChoice] = useState({ cameraId: '', microphoneId: '' });
  const [opened, setOpened] = useState<Pick<LocalMedia, 'stream' | 'status' | 'problem'>>({
    stream: null,
    status: 'starting',
    problem: null,
  });
  const [devices, setDevices] = useState<{ cameras: DeviceOption[]; microphones: DeviceOption[] }>({
    cameras: [],
    microphones: [],
  });
  const [micOn, setMicOnState] = useState(true);
  const [cameraOn, setCameraOnState] = useState(true);
  // Per microphone: the default device's choice until another is picked.
  const [noiseSuppression, setNoiseSuppressionState] = useState(() => noiseSuppressionFor(''));
  // Read when a (re)opened stream arrives, so a new device keeps the on/off choice.
  const wanted = useRef({ micOn: true, cameraOn: true });

  const listDevices = useCallback(async (mediaDevices: MediaDevices) => {
    try {
      const all = await mediaDevices.enumerateDevices();
      setDevices({ cameras: toOptions(all, 'videoinput', 'Camera'), microphones: toOptions(all, 'audioinput', 'Microphone') });
    } catch {
      // The list is a convenience; the default devices still work.
    }
  }, []);

  useEffect(() => {
    const mediaDevices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
    if (!mediaDevices?.getUserMedia) {
      setOpened({
        stream: null,
        status: 'unavailable',
        problem: 'This browser cannot use a camera or microphone here. You can still join and listen.',
      });
      return;
    }
    let cancelled = false;
    let mine: MediaStream | null = null;
    setOpened((prev) => ({ ...prev, status: 'starting' }));
    void openDevices(mediaDevices, choice.cameraId, choice.microphoneId, noiseSuppression).then(({ stream, problem }) => {
      if (cancelled) {
        stream?.getTracks().forEach((t) => t.stop());
        return;
      }
      mine = stream;
      stream?.getAudioTracks().forEach((t) => (t.enabled = wanted.current.micOn));
      stream?.getVideoTracks().forEach((t) => (t.enabled = wanted.current.cameraOn));
      setOpened({ stream, status: stream ? 'ready' : 'unavailable', problem });
      // Labels are only readable once access was granted.
      void listDevices(mediaDevices);
    });
    const onDeviceChange = () => void listDevices(mediaDevices);
    mediaDevices.addEventListener?.('devicechange', onDeviceChange);
    return () => {
      cancelled = true;
      mediaDevices.removeEventListener?.('devicechange', onDeviceChange);
      mine?.getTracks().forEach((t) => t.stop());
    };
  }, [choice.cameraId, choice.microphoneId, noiseSuppression, listDevices]);

  const setMicOn = useCallback(
    (on: boolean) => {
      wanted.current.micOn = on;
      opened.stream?.getAudioTracks().forEach((t) => (t.enabled = on));
      setMicOnState(on);
    },
    [opened.stream],
  );
  const setCameraOn = useCallback(
    (on: boolean) => {
      wanted.current.cameraOn = on;
      opened.stream?.getVideoTracks().forEach((t) => (t.enabled = on));
      setCameraOnState(on);
    },
    [opened.stream],
  );

  const activeMicId = opened.stream?.getAudioTracks()[0]?.getSettings?.().deviceId ?? '';
  const setNoiseSuppression = useCallback(
    (on: boolean) => {
      setNoiseSuppressionFor(choice.microphoneId || activeMicId, on);
      setNoiseSuppressionState(on);
    },
    [choice.microphoneId, activeMicId],
  );

  const camera = opened.stream?.getVideoTracks()[0];
  const [fallbackSupported] = useState(selfieBlurSupported);
  const blurMode: LocalMedia['blurMode'] = !camera ? 'none' : canBlurBackground(camera) ? 'native' : fallbackSupported ? 'fallback' : 'none';
  const [blurred, setBlurred] = useState(false);
  const [blurWanted, setBlurWanted] = useState(wantsBackgroundBlur);
  useEffect(() => {
    setBlurred(isBackgroundBlurred(camera));
    // The browser's own effect: a newly opened camera gets the remembered choice.
    if (camera && canBlurBackground(camera) && wantsBackgroundBlur() && !isBackgroundBlurred(camera)) {
      void applyBlur(camera, true)
        .then((ok) => ok && setBlurred(true))
        .catch(() => undefined);
    }
  }, [camera]);
  const setBackgroundBlur = useCallback(
    (on: boolean) => {
      rememberBackgroundBlur(on);
      setBlurWanted(on);
      if (!canBlurBackground(camera)) return;
      void applyBlur(camera, on)
        .then((ok) => ok && setBlurred(on))
        .catch(() => undefined);
    },
    [camera],
  );

  const release = useCallback(() => opened.stream?.getTracks().forEach((t) => t.stop()), [opened.stream]);

  const activeCamera = opened.stream?.getVideoTracks()[0]?.getSettings?.().deviceId ?? '';
  const activeMicrophone = opened.stream?.getAudioTracks()[0]?.getSettings?.().deviceId ?? '';

  return {
    ...opened,
    ...devices,
    cameraId: choice.cameraId || activeCamera,
    microphoneId: choice.microphoneId || activeMicrophone,
    chooseCamera: (cameraId) => setChoice((c) => ({ ...c, cameraId })),
    chooseMicrophone: (microphoneId) => {
      setNoiseSuppressionState(noiseSuppressionFor(microphoneId));
      setChoice((c) => ({ ...c, microphoneId }));
    },
    hasMicrophone: (opened.stream?.getAudioTracks().length ?? 0) > 0,
    hasCamera: (opened.stream?.getVideoTracks().length ?? 0) > 0,
    micOn,
    cameraOn,
    setMicOn,
    setCameraOn,
    noiseSuppression,
    setNoiseSuppression,
    blurAvailable: blurMode !== 'none',
    backgroundBlur: blurMode === 'native' ? blurred : blurMode === 'fallback' && blurWanted,
    blurMode,
    setBackgroundBlur,
    release,
  };
}
