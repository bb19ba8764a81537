import { act, render, screen } from '@testing-library/react';
import { useRef, useState } from 'react';
import { useMediaFirst } from './useMediaFirst';

/** A grid that can gain a remote video, and the side column that waits for its first frame. */
function Room({ expectVideo, capMs }: { expectVideo: boolean; capMs?: number }) {
  const grid = useRef<HTMLUListElement>(null);
  const [withVideo, setWithVideo] = useState(false);
  const ready = useMediaFirst(grid, expectVideo, capMs);
  return (
    <>
      <ul ref={grid}>{withVideo && <video data-testid="remote-video" />}</ul>
      <button onClick={() => setWithVideo(true)}>add video</button>
      {ready && <aside data-testid="side">tools</aside>}
    </>
  );
}

describe('useMediaFirst: the side column mounts after the first remote frame', () => {
  const proto = HTMLVideoElement.prototype as unknown as { requestVideoFrameCallback?: (cb: () => void) => number };
  let frameCallbacks: (() => void)[];

  beforeEach(() => {
    frameCallbacks = [];
    proto.requestVideoFrameCallback = function (cb: () => void) {
      frameCallbacks.push(cb);
      return frameCallbacks.length;
    };
  });
  afterEach(() => {
    delete proto.requestVideoFrameCallback;
    jest.useRealTimers();
  });

  it('shows the column at once when no remote video is expected', () => {
    render(<Room expectVideo={false} />);
    expect(screen.getByTestId('side')).toBeTruthy();
  });

  it('waits for the first frame of a remote video that appears later, then stays', async () => {
    render(<Room expectVideo capMs={60_000} />);
    expect(screen.queryByTestId('side')).toBeNull();
    await act(async () => screen.getByText('add video').click());
    // The video is in the grid, no frame yet.
    expect(frameCallbacks).toHaveLength(1);
    expect(screen.queryByTestId('side')).toBeNull();
    act(() => frameCallbacks[0]!());
    expect(screen.getByTestId('side')).toBeTruthy();
  });

  it('does not wait longer than the cap when no frame comes', () => {
    jest.useFakeTimers();
    render(<Room expectVideo capMs={1000} />);
    act(() => jest.advanceTimersByTime(999));
    expect(screen.queryByTestId('side')).toBeNull();
    act(() => jest.advanceTimersByTime(1));
    expect(screen.getByTestId('side')).toBeTruthy();
  });

  it('does not wait where the browser cannot tell when a frame shows', () => {
    delete proto.requestVideoFrameCallback;
    render(<Room expectVideo />);
    expect(screen.getByTestId('side')).toBeTruthy();
  });
});
