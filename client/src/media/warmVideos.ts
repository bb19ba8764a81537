/**
 * <video> elements started before the room shows them.
 *
 * A consumer prepared on the pre-join page or in the waiting room gets its
 * element here, in a hidden holder, while the user waits. The browser creates
 * the element's player then: that is a main-thread task of its own, about 30 ms
 * on a busy 2-core machine, and it used to run only after the room's first
 * render. When the room shows, the tile adopts the element (`takeWarmVideo`),
 * so the first remote picture is drawn with the room's first paint.
 *
 * An element nobody adopts goes when its consumer closes (`dropWarmVideo`) or
 * `UNADOPTED_MS` after its first picture arrived (audio only, a hidden tile):
 * a player nobody sees should not go on drawing.
 */

/** How long an element may play with nobody adopting it. */
export const UNADOPTED_MS = 5000;

const pool = new Map<string, { video: HTMLVideoElement; forget: () => void }>();
let holder: HTMLElement | null = null;

function holderElement(): HTMLElement {
  if (holder?.isConnected) return holder;
  holder = document.createElement('div');
  holder.dataset.warmVideos = '';
  holder.setAttribute('aria-hidden', 'true');
  // Laid out and composited (a player in a box is a player that draws), but unseen and untouchable.
  Object.assign(holder.style, {
    position: 'fixed',
    left: '0',
    top: '0',
    width: '2px',
    height: '2px',
    overflow: 'hidden',
    opacity: '0',
    pointerEvents: 'none',
    zIndex: '-1',
  });
  document.body.append(holder);
  return holder;
}

/** A muted, inline, autoplaying <video> (sound goes through <audio> elements). */
export function silentVideo(): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.defaultMuted = true;
  video.autoplay = true;
  video.playsInline = true;
  return video;
}

function canPlay(): boolean {
  return typeof document !== 'undefined' && typeof MediaStream !== 'undefined';
}

/** Starts an element for `track` in the hidden holder (once per track). */
export function warmVideo(track: MediaStreamTrack): void {
  if (!canPlay() || pool.has(track.id) || track.readyState === 'ended') return;
  const video = silentVideo();
  video.srcObject = new MediaStream([track]);
  holderElement().append(video);
  void video.play().catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onUnmute = () => {
    timer ??= setTimeout(() => dropWarmVideo(track.id), UNADOPTED_MS);
  };
  track.addEventListener('unmute', onUnmute);
  if (!track.muted) onUnmute();
  pool.set(track.id, {
    video,
    forget: () => {
      clearTimeout(timer);
      track.removeEventListener('unmute', onUnmute);
    },
  });
}

/** The warm element of `track`, taken out of the pool (the caller places it), or undefined. */
export function takeWarmVideo(track: MediaStreamTrack): HTMLVideoElement | undefined {
  const entry = pool.get(track.id);
  if (!entry) return undefined;
  pool.delete(track.id);
  entry.forget();
  return entry.video;
}

/** The consumer of `trackId` closed (or the page gave it up): its element goes, if nobody adopted it. */
export function dropWarmVideo(trackId: string): void {
  const entry = pool.get(trackId);
  if (!entry) return;
  pool.delete(trackId);
  entry.forget();
  discard(entry.video);
}

/** How long an element handed over by an unmounting view waits for the next view of its stream. */
export const HANDOVER_MS = 1500;

/**
 * Moves `node` to the end of `parent` without restarting what it plays (`moveBefore`), when
 * the browser can and both are on the page. False where it cannot: the caller decides what
 * then (append anew, or give up).
 */
export function moveKeepingPlayback(parent: HTMLElement, node: HTMLElement): boolean {
  const move = (parent as HTMLElement & { moveBefore?: (node: Node, child: Node | null) => void }).moveBefore;
  if (typeof move !== 'function' || !node.isConnected || !parent.isConnected) return false;
  try {
    move.call(parent, node, null);
    return true;
  } catch {
    // Not movable as is (another document…).
    return false;
  }
}

const handedOver = new Map<string, { video: HTMLVideoElement; timer: ReturnType<typeof setTimeout> }>();

/**
 * A view of a local stream (the camera preview) is going: its element waits in the hidden
 * holder, still playing, for the next view of the same stream, which adopts it with
 * `takeHandedOver`. Leaving the pre-join page for the room (or the waiting room for the
 * room) then moves the self view's player instead of making a new one in the commit that
 * shows the room, and the preview does not go black between the two. Nobody adopting it
 * within `HANDOVER_MS`: it goes. False where it cannot wait (not connected, jsdom without media).
 */
export function handOverVideo(stream: MediaStream, video: HTMLVideoElement): boolean {
  if (!canPlay() || !stream.getVideoTracks().some((t) => t.readyState !== 'ended')) return false;
  if (!moveKeepingPlayback(holderElement(), video)) return false;
  // The next view sets its own attributes: none of this one's (test ids, labels, classes) stay.
  for (const name of video.getAttributeNames()) video.removeAttribute(name);
  const previous = handedOver.get(stream.id);
  if (previous) {
    clearTimeout(previous.timer);
    discard(previous.video);
  }
  handedOver.set(stream.id, {
    video,
    timer: setTimeout(() => {
      if (handedOver.get(stream.id)?.video !== video) return;
      handedOver.delete(stream.id);
      discard(video);
    }, HANDOVER_MS),
  });
  return true;
}

/** The element a view of `stream` handed over, taken (the caller places it), or undefined. */
export function takeHandedOver(stream: MediaStream): HTMLVideoElement | undefined {
  const entry = handedOver.get(stream.id);
  if (!entry) return undefined;
  handedOver.delete(stream.id);
  clearTimeout(entry.timer);
  return entry.video;
}

/** How many elements wait (tests). */
export function warmVideoCount(): number {
  return pool.size;
}

function discard(video: HTMLVideoElement): void {
  video.srcObject = null;
  video.remove();
}
