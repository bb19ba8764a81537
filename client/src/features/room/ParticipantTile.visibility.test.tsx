import { act, render, screen } from '@testing-library/react';
import type { ParticipantView } from '@hearth/protocol';
import { ParticipantTile } from './ParticipantTile';

/**
 * Forward only what is seen: a remote tile reports whether it is on screen in a
 * visible tab, and the RoomClient pauses that video at the SFU. jsdom has no
 * IntersectionObserver, so a stand-in at the edge lets the test say what the
 * browser would see.
 */
class FakeIntersectionObserver {
  static instances: FakeIntersectionObserver[] = [];
  readonly observed = new Set<Element>();
  disconnected = false;

  constructor(private readonly callback: IntersectionObserverCallback) {
    FakeIntersectionObserver.instances.push(this);
  }

  observe(el: Element): void {
    this.observed.add(el);
  }

  unobserve(el: Element): void {
    this.observed.delete(el);
  }

  disconnect(): void {
    this.disconnected = true;
    this.observed.clear();
  }

  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }

  /** The browser reports the tile entering or leaving the viewport. */
  report(isIntersecting: boolean): void {
    const entries = [...this.observed].map((target) => ({ target, isIntersecting }) as IntersectionObserverEntry);
    this.callback(entries, this as unknown as IntersectionObserver);
  }
}

const ALEX: ParticipantView = {
  userId: '33333333-3333-4333-8333-333333333333',
  displayName: 'Alex R.',
  role: 'patient',
  connection: 'connected',
  micOn: true,
  cameraOn: true,
  micLocked: false,
};

const videoTrack = { kind: 'video', id: 'v1' } as unknown as MediaStreamTrack;

let hidden = false;

beforeAll(() => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
});
beforeEach(() => {
  hidden = false;
  FakeIntersectionObserver.instances = [];
  (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = FakeIntersectionObserver;
});
afterEach(() => {
  delete (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
});

function renderTile(props: { isSelf?: boolean; video?: boolean } = {}) {
  const onVisibility = jest.fn<void, [string, boolean]>();
  const media = { video: props.video === false ? undefined : videoTrack, audioPaused: false, videoPaused: false };
  const utils = render(
    <ul>
      <ParticipantTile participant={ALEX} isSelf={props.isSelf ?? false} speaking={false} media={media} canModerate={false} layer={1} onVisibility={onVisibility} />
    </ul>,
  );
  return { ...utils, onVisibility };
}

function setTabHidden(value: boolean): void {
  hidden = value;
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

describe('ParticipantTile: a remote video is forwarded only while its tile is seen', () => {
  it('watches the tile and reports it leaving and entering the screen', () => {
    const { onVisibility } = renderTile();
    const [observer] = FakeIntersectionObserver.instances;
    expect(observer?.observed.has(screen.getByTestId('participant-tile'))).toBe(true);

    act(() => observer!.report(false));
    expect(onVisibility).toHaveBeenLastCalledWith(ALEX.userId, false);
    act(() => observer!.report(true));
    expect(onVisibility).toHaveBeenLastCalledWith(ALEX.userId, true);
  });

  it('a hidden tab hides every tile, even one on screen; showing the tab again shows it', () => {
    const { onVisibility } = renderTile();
    const [observer] = FakeIntersectionObserver.instances;
    act(() => observer!.report(true));
    setTabHidden(true);
    expect(onVisibility).toHaveBeenLastCalledWith(ALEX.userId, false);
    setTabHidden(false);
    expect(onVisibility).toHaveBeenLastCalledWith(ALEX.userId, true);
  });

  it('a tile off screen stays hidden when the tab comes back', () => {
    const { onVisibility } = renderTile();
    const [observer] = FakeIntersectionObserver.instances;
    act(() => observer!.report(false));
    setTabHidden(true);
    setTabHidden(false);
    expect(onVisibility).toHaveBeenLastCalledWith(ALEX.userId, false);
  });

  it('on unmount stops watching and lets the video flow again (a consumer is never left paused)', () => {
    const { onVisibility, unmount } = renderTile();
    const [observer] = FakeIntersectionObserver.instances;
    act(() => observer!.report(false));
    unmount();
    expect(observer!.disconnected).toBe(true);
    expect(onVisibility).toHaveBeenLastCalledWith(ALEX.userId, true);
    const calls = onVisibility.mock.calls.length;
    setTabHidden(true);
    expect(onVisibility).toHaveBeenCalledTimes(calls);
  });

  it('does not watch our own tile, nor a tile without remote video', () => {
    renderTile({ isSelf: true });
    renderTile({ video: false });
    expect(FakeIntersectionObserver.instances).toHaveLength(0);
  });
});
