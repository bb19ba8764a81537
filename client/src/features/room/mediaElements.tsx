import { useEffect, useLayoutEffect, useRef } from 'react';
import { handOverVideo, moveKeepingPlayback, silentVideo, takeHandedOver, takeWarmVideo } from '../../media/warmVideos';

/** A stream for an element: the whole stream, or one track wrapped in its own. Null in jsdom (no MediaStream). */
function toStream(source: MediaStream | MediaStreamTrack | null | undefined): MediaStream | null {
  if (!source || typeof MediaStream === 'undefined') return null;
  if (source instanceof MediaStream) return source;
  return new MediaStream([source]);
}

type VideoAttributes = {
  className?: string;
  'aria-hidden'?: boolean | 'true' | 'false';
  'aria-label'?: string;
  [dataAttribute: `data-${string}`]: string | undefined;
};

type VideoProps = VideoAttributes & {
  source: MediaStream | MediaStreamTrack | null | undefined;
  /** The first frame of this source is on screen. */
  onFirstFrame?: () => void;
};

/** The element's attributes as given (undefined and false: absent), keeping those it had in step. */
function applyAttributes(video: HTMLVideoElement, attributes: VideoAttributes, previous: Set<string>): Set<string> {
  const next = new Set<string>();
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    const name = key === 'className' ? 'class' : key;
    next.add(name);
    const text = String(value);
    if (video.getAttribute(name) !== text) video.setAttribute(name, text);
  }
  previous.forEach((name) => next.has(name) || video.removeAttribute(name));
  return next;
}

/** Moves `video` into `slot`, keeping its player playing where the browser can (moveBefore). */
function place(slot: HTMLElement, video: HTMLVideoElement): void {
  if (!moveKeepingPlayback(slot, video)) slot.append(video);
}

/**
 * A silent <video> showing a local stream or a remote track. Always muted:
 * sound goes through <RemoteAudio>, so browsers' autoplay rules let video start on its own.
 *
 * The element is placed as the component is committed (a layout effect), not a task later:
 * on a busy page that task can wait behind the rest of the room's first render. A remote
 * track set up before the room showed (pre-join page, waiting room) already has a loaded
 * element (media/warmVideos.ts): it is adopted, so its first picture needs no new player. A
 * local stream's element (the camera preview) is handed to the next view of the same stream
 * the same way, from the pre-join page or the waiting room to the room's self tile.
 * The element sits in a `display: contents` slot and takes the attributes given here.
 */
export function MediaVideo({ source, onFirstFrame, ...attributes }: VideoProps) {
  const slot = useRef<HTMLSpanElement>(null);
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const applied = useRef(new Set<string>());
  const firstFrame = useRef(onFirstFrame);
  firstFrame.current = onFirstFrame;
  useLayoutEffect(() => {
    const host = slot.current;
    if (!host) return;
    const local = typeof MediaStream !== 'undefined' && source instanceof MediaStream ? source : null;
    const warm =
      typeof MediaStreamTrack !== 'undefined' && source instanceof MediaStreamTrack
        ? takeWarmVideo(source)
        : local
          ? takeHandedOver(local)
          : undefined;
    const video = warm ?? silentVideo();
    place(host, video);
    // A new element: the attribute effect below (same commit) gives it all of them.
    applied.current = new Set();
    videoRef.current = video;
    if (!warm) video.srcObject = toStream(source);
    if (video.srcObject) {
      // Again for a warm one: a move may have paused it.
      void video.play?.()?.catch(() => undefined);
      if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(() => firstFrame.current?.());
      else video.addEventListener('loadeddata', () => firstFrame.current?.(), { once: true });
    }
    return () => {
      if (videoRef.current === video) videoRef.current = null;
      // A local stream's element waits a moment for the next view of it (warmVideos.ts).
      if (local && video.srcObject === local && handOverVideo(local, video)) return;
      video.srcObject = null;
      video.remove();
    };
  }, [source]);
  // Attributes follow every render (a tile's classes and data change without a new source);
  // declared after the effect above, so a new element has them in the commit that places it.
  useLayoutEffect(() => {
    if (videoRef.current) applied.current = applyAttributes(videoRef.current, attributes, applied.current);
  });
  return <span ref={slot} className="media-slot" />;
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
