import { act, render, screen } from '@testing-library/react';
import { MediaVideo } from '../features/room/mediaElements';
import { rehearseRoom, rehearsalState, scheduleRoomRehearsal } from '../features/room/rehearseRoom';
import { dropWarmVideo, HANDOVER_MS, takeWarmVideo, UNADOPTED_MS, warmVideo, warmVideoCount } from './warmVideos';

/**
 * jsdom plays no media: a stand-in MediaStream and MediaStreamTrack at the edge, so the
 * pool's bookkeeping and MediaVideo's adoption can be checked (that a warm player shows its
 * first picture sooner is bench/join-time's to measure).
 */
class FakeTrack extends EventTarget {
  readonly kind = 'video';
  readyState: 'live' | 'ended' = 'live';
  constructor(
    readonly id: string,
    public muted = true,
  ) {
    super();
  }
}
class FakeStream {
  private static next = 0;
  readonly id = `stream-${FakeStream.next++}`;
  constructor(private readonly tracks: FakeTrack[]) {}
  getVideoTracks(): FakeTrack[] {
    return this.tracks;
  }
}

const globals = globalThis as unknown as Record<string, unknown>;
let play: jest.SpyInstance;
beforeEach(() => {
  globals.MediaStream = FakeStream;
  globals.MediaStreamTrack = FakeTrack;
  play = jest.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
});
afterEach(() => {
  delete globals.MediaStream;
  delete globals.MediaStreamTrack;
  play.mockRestore();
  jest.useRealTimers();
});

const track = (id: string, muted = true) => new FakeTrack(id, muted) as unknown as MediaStreamTrack;
const holderVideos = () => [...document.querySelectorAll<HTMLVideoElement>('[data-warm-videos] video')];

describe('warm videos', () => {
  it('starts a silent element for a track in a hidden holder, once, and hands it over once', () => {
    const t = track('t1');
    warmVideo(t);
    warmVideo(t);
    expect(holderVideos()).toHaveLength(1);
    const [video] = holderVideos();
    expect(video!.muted).toBe(true);
    expect(video!.closest('[data-warm-videos]')).toHaveAttribute('aria-hidden', 'true');
    expect(play).toHaveBeenCalledTimes(1);

    expect(takeWarmVideo(t)).toBe(video);
    expect(takeWarmVideo(t)).toBeUndefined();
    expect(warmVideoCount()).toBe(0);
    video!.remove();
  });

  it('drops the element when its consumer closes', () => {
    const t = track('t2');
    warmVideo(t);
    dropWarmVideo(t.id);
    expect(holderVideos()).toHaveLength(0);
    expect(takeWarmVideo(t)).toBeUndefined();
  });

  it('drops an element nobody adopts a while after its pictures start', () => {
    jest.useFakeTimers();
    const t = track('t3');
    warmVideo(t);
    jest.advanceTimersByTime(UNADOPTED_MS * 2);
    expect(warmVideoCount()).toBe(1); // still paused at the SFU: it may wait as long as the user does
    (t as unknown as FakeTrack).muted = false;
    t.dispatchEvent(new Event('unmute'));
    jest.advanceTimersByTime(UNADOPTED_MS - 1);
    expect(warmVideoCount()).toBe(1);
    jest.advanceTimersByTime(1);
    expect(warmVideoCount()).toBe(0);
    expect(holderVideos()).toHaveLength(0);
  });

  it('does nothing for an ended track', () => {
    const t = track('t4');
    (t as unknown as FakeTrack).readyState = 'ended';
    warmVideo(t);
    expect(warmVideoCount()).toBe(0);
  });
});

describe('MediaVideo', () => {
  it('adopts the warm element of its track: the same player, moved into the slot, with the attributes given', () => {
    const t = track('t5');
    warmVideo(t);
    const [warm] = holderVideos();
    const { rerender, unmount, container } = render(
      <MediaVideo source={t} className="tile__video" data-testid="remote-video" data-user-id="u1" aria-hidden="true" />,
    );
    const video = screen.getByTestId('remote-video');
    expect(video).toBe(warm);
    expect(container.contains(video)).toBe(true);
    expect(video).toHaveClass('tile__video');
    expect(video).toHaveAttribute('data-user-id', 'u1');
    expect(holderVideos()).toHaveLength(0);

    rerender(<MediaVideo source={t} className="tile__video" data-testid="remote-video" aria-hidden="true" />);
    expect(video).not.toHaveAttribute('data-user-id');

    unmount();
    expect(video.isConnected).toBe(false);
    expect((video as HTMLVideoElement).srcObject).toBeNull();
  });

  it('makes its own element for a track nobody warmed, and a new one when the source changes', () => {
    const first = track('t6');
    const { rerender } = render(<MediaVideo source={first} className="tile__video" data-testid="remote-video" />);
    const video = screen.getByTestId('remote-video') as HTMLVideoElement;
    expect(video.tagName).toBe('VIDEO');
    expect((video.srcObject as unknown as FakeStream).getVideoTracks()).toEqual([first]);

    const second = track('t7');
    rerender(<MediaVideo source={second} className="tile__video" data-testid="remote-video" />);
    const next = screen.getByTestId('remote-video') as HTMLVideoElement;
    expect(next).not.toBe(video);
    expect(video.isConnected).toBe(false);
    expect((next.srcObject as unknown as FakeStream).getVideoTracks()).toEqual([second]);
  });
});

describe('a local stream handed from one view to the next', () => {
  type Movable = { moveBefore?: (node: Node, child: Node | null) => void };
  const proto = Element.prototype as unknown as Movable;
  beforeEach(() => {
    // Chromium moves a playing element without restarting it; jsdom has no moveBefore.
    proto.moveBefore = function (this: Element, node: Node, child: Node | null) {
      this.insertBefore(node, child);
    };
  });
  afterEach(() => {
    delete proto.moveBefore;
  });
  const camera = () => new FakeStream([new FakeTrack('cam')]) as unknown as MediaStream;

  function Switch({ stream, inRoom }: { stream: MediaStream; inRoom: boolean }) {
    return inRoom ? (
      <div data-room="">
        <MediaVideo source={stream} className="tile__video" data-testid="self-video" aria-hidden="true" />
      </div>
    ) : (
      <MediaVideo source={stream} className="preview__video" data-testid="preview-video" aria-label="Your camera preview" />
    );
  }

  it('moves the preview element into the room in the commit that swaps them, with only the new attributes', () => {
    const stream = camera();
    const { rerender } = render(<Switch stream={stream} inRoom={false} />);
    const preview = screen.getByTestId('preview-video') as HTMLVideoElement;
    rerender(<Switch stream={stream} inRoom />);
    const self = screen.getByTestId('self-video') as HTMLVideoElement;
    expect(self).toBe(preview);
    expect(self.srcObject).toBe(stream);
    expect(self.closest('[data-room]')).not.toBeNull();
    expect(self).toHaveClass('tile__video');
    expect(self).not.toHaveClass('preview__video');
    expect(self).not.toHaveAttribute('aria-label');
    expect(screen.queryByTestId('preview-video')).toBeNull();
    expect(holderVideos()).toHaveLength(0);
  });

  it('lets the element go when no view of the stream comes within the hand-over time', () => {
    jest.useFakeTimers();
    const stream = camera();
    const { unmount } = render(<MediaVideo source={stream} data-testid="preview-video" />);
    const preview = screen.getByTestId('preview-video') as HTMLVideoElement;
    unmount();
    expect(holderVideos()).toEqual([preview]);
    expect(preview.srcObject).toBe(stream);
    expect(preview.getAttributeNames()).toEqual([]);
    act(() => jest.advanceTimersByTime(HANDOVER_MS));
    expect(holderVideos()).toHaveLength(0);
    expect(preview.srcObject).toBeNull();
    // A view after that makes its own element.
    render(<MediaVideo source={stream} data-testid="self-video" />);
    expect(screen.getByTestId('self-video')).not.toBe(preview);
  });

  it('does not hand over a track (remote video) or an ended stream', () => {
    const ended = new FakeStream([Object.assign(new FakeTrack('gone'), { readyState: 'ended' as const })]) as unknown as MediaStream;
    const a = render(<MediaVideo source={ended} data-testid="v" />);
    const first = screen.getByTestId('v') as HTMLVideoElement;
    a.unmount();
    expect(first.isConnected).toBe(false);
    expect(first.srcObject).toBeNull();
    const t = track('remote-1');
    const b = render(<MediaVideo source={t} data-testid="r" />);
    const remote = screen.getByTestId('r') as HTMLVideoElement;
    b.unmount();
    expect(remote.isConnected).toBe(false);
    expect(holderVideos()).toHaveLength(0);
  });
});

describe('room rehearsal', () => {
  it('renders the room off the page and leaves nothing behind', () => {
    const before = document.body.innerHTML;
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const create = jest.spyOn(document, 'createElement');
    act(() => rehearseRoom('therapist'));
    act(() => rehearseRoom('patient'));
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    // It did render the room: both rehearsals made the three tiles' videos and the room's section.
    const made = create.mock.calls.map(([tag]) => tag);
    create.mockRestore();
    expect(made.filter((t) => t === 'video')).toHaveLength(6);
    expect(made.filter((t) => t === 'section').length).toBeGreaterThanOrEqual(2);
    expect(document.body.innerHTML).toBe(before);
    expect(document.querySelector('[data-testid="room"]')).toBeNull();
    expect(rehearsalState('patient').participants.filter((p) => p.cameraOn)).toHaveLength(3);
  });

  it('waits for idle time and runs once per page', () => {
    const idle = jest.fn<number, [IdleRequestCallback]>(() => 1);
    const win = window as unknown as Record<string, unknown>;
    win.requestIdleCallback = idle;
    win.cancelIdleCallback = jest.fn();
    try {
      scheduleRoomRehearsal('patient');
      expect(idle).toHaveBeenCalledTimes(1);
      act(() => idle.mock.calls[0]![0]({ didTimeout: false, timeRemaining: () => 50 }));
      scheduleRoomRehearsal('patient');
      expect(idle).toHaveBeenCalledTimes(1);
    } finally {
      delete win.requestIdleCallback;
      delete win.cancelIdleCallback;
    }
  });
});
