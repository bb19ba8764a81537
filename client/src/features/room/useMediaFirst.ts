import { useEffect, useState, type RefObject } from 'react';

/** How long the side column waits for the first remote frame at most. */
export const SIDE_COLUMN_CAP_MS = 1200;

type FrameCallbackVideo = HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };

/**
 * Whether the room's side column (turns, check-in, chat, role-play…) may mount.
 *
 * Entering a room, its first render and layout held a busy machine's main
 * thread 300–450 ms (bench/join-time, PROFILE=1), and the first remote frame
 * waited for it: the WebRTC events, the resume and the frame callbacks all
 * need that thread. So the videos come first: the column's contents mount once
 * the first remote video has shown a frame, at once when no remote video is
 * expected (alone, cameras off) or the browser cannot say when a frame shows,
 * and after `capMs` at most.
 */
export function useMediaFirst(gridRef: RefObject<HTMLElement | null>, expectVideo: boolean, capMs = SIDE_COLUMN_CAP_MS): boolean {
  const [ready, setReady] = useState(() => !expectVideo || !framesObservable());
  useEffect(() => {
    if (ready) return;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      setReady(true);
    };
    const cap = setTimeout(finish, capMs);
    const watched = new WeakSet<HTMLVideoElement>();
    const watch = () => {
      const videos = gridRef.current?.querySelectorAll<FrameCallbackVideo>('video[data-testid="remote-video"]') ?? [];
      videos.forEach((v) => {
        if (watched.has(v)) return;
        watched.add(v);
        v.requestVideoFrameCallback?.(finish);
      });
    };
    watch();
    const grid = gridRef.current;
    const observer = grid && typeof MutationObserver !== 'undefined' ? new MutationObserver(watch) : null;
    if (grid) observer?.observe(grid, { childList: true, subtree: true });
    return () => {
      done = true;
      clearTimeout(cap);
      observer?.disconnect();
    };
    // Once ready it stays ready: the effect runs for the first mount's wait only.
  }, [ready, gridRef, capMs]);
  return ready;
}

function framesObservable(): boolean {
  return typeof HTMLVideoElement !== 'undefined' && 'requestVideoFrameCallback' in HTMLVideoElement.prototype;
}
