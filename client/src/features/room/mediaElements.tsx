import { useEffect, useLayoutEffect, useRef, type VideoHTMLAttributes } from 'react';

/** A stream for an element: the whole stream, or one track wrapped in its own. Null in jsdom (no MediaStream). */
function toStream(source: MediaStream | MediaStreamTrack | null | undefined): MediaStream | null {
  if (!source || typeof MediaStream === 'undefined') return null;
  if (source instanceof MediaStream) return source;
  return new MediaStream([source]);
}

type VideoProps = Omit<VideoHTMLAttributes<HTMLVideoElement>, 'src' | 'muted' | 'autoPlay' | 'playsInline'> & {
  source: MediaStream | MediaStreamTrack | null | undefined;
  /** The first frame of this source is on screen. */
  onFirstFrame?: () => void;
  [dataAttribute: `data-${string}`]: string | undefined;
};

/**
 * A silent <video> showing a local stream or a remote track. Always muted:
 * sound goes through <RemoteAudio>, so browsers' autoplay rules let video start on its own.
 * The stream is attached as the element is committed (a layout effect), not a task later:
 * on a busy page that task can wait behind the rest of the room's first render.
 */
export function MediaVideo({ source, onFirstFrame, ...rest }: VideoProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const firstFrame = useRef(onFirstFrame);
  firstFrame.current = onFirstFrame;
  useLayoutEffect(() => {
    const video = ref.current;
    if (!video) return;
    const stream = toStream(source);
    video.srcObject = stream;
    if (stream) {
      void video.play?.()?.catch(() => undefined);
      if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(() => firstFrame.current?.());
      else video.addEventListener('loadeddata', () => firstFrame.current?.(), { once: true });
    }
    return () => {
      video.srcObject = null;
    };
  }, [source]);
  return <video ref={ref} autoPlay playsInline muted {...rest} />;
}

/**
 * Plays one remote participant's microphone through a hidden <audio>. Reports
 * when the browser blocks playback until the user interacts (autoplay policy).
 */
export function RemoteAudio({
  track,
  userId,
  onBlocked,
  testId,
}: {
  track: MediaStreamTrack | undefined;
  userId: string;
  onBlocked?: () => void;
  /** `data-testid`, for sound that is not a microphone (a shared screen's). */
  testId?: string;
}) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    const stream = toStream(track);
    audio.srcObject = stream;
    if (stream) {
      void audio
        .play?.()
        ?.catch((e: unknown) => {
          if (e instanceof DOMException && e.name === 'NotAllowedError') onBlocked?.();
        });
    }
    return () => {
      audio.srcObject = null;
    };
  }, [track, onBlocked]);
  return <audio ref={ref} autoPlay hidden data-remote-audio="" data-user-id={userId} data-testid={testId} />;
}

/** After a click, starts every remote <audio> the browser held back. */
export function resumeRemoteAudio(root: ParentNode = document): void {
  root.querySelectorAll<HTMLAudioElement>('audio[data-remote-audio]').forEach((a) => {
    if (a.srcObject) void a.play().catch(() => undefined);
  });
}
