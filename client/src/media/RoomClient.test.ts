import { REACTION_SHOWN_MS, type JoinResult } from '@hearth/protocol';
import { FakeSocket, flush, ok, type Reply } from '../facilitation/fakeSocket';
import { RoomClient } from './RoomClient';

const SESSION = '99999999-9999-4999-8999-999999999999';
const session = { id: SESSION, title: 'Evening group', kind: 'group' as const, startsAt: '', endsAt: '' };
const safety = { location: 'Home, 12 Palm St', callbackNumber: '+1 480 555 0134' };
const consent = { telehealthConsentVersion: '2026-11' as const, groupAgreement: true as const };

function waitingAt(position: number): Reply {
  return () => ok<JoinResult>({ status: 'waiting', session, position });
}

function setup(replies: Record<string, Reply> = { 'room:join': waitingAt(2), 'room:leave': () => ok({}) }) {
  const socket = new FakeSocket(replies);
  const client = new RoomClient(socket.asSocket, SESSION);
  return { socket, client };
}

describe('RoomClient (no media)', () => {
  it('sends the safety check and consent with the first join, and waits in the lobby', async () => {
    const { socket, client } = setup();
    const seen: string[] = [];
    client.subscribe(() => seen.push(client.state.phase));
    await client.join({ safety, consent });
    expect(socket.sent).toEqual([{ event: 'room:join', payload: { sessionId: SESSION, safety, consent } }]);
    expect(client.state).toMatchObject({ phase: 'waiting', lobbyPosition: 2, session });
    expect(seen).toEqual(['joining', 'waiting']);
  });

  it('after a dropped connection, joins again without re-sending (and re-recording) the safety check', async () => {
    const { socket, client } = setup();
    await client.join({ safety, consent });
    socket.fire('disconnect');
    expect(client.state.connection).toBe('reconnecting');
    socket.fire('connect');
    await flush();
    expect(client.state.connection).toBe('connected');
    expect(socket.sent[1]).toEqual({ event: 'room:join', payload: { sessionId: SESSION } });
    expect(client.state.phase).toBe('waiting');
  });

  it('shows "reconnecting" until the server has us back: a cluster node that only names the host (a redirect) is not "connected"', async () => {
    let answer: 'elsewhere' | 'none' | 'waiting' = 'waiting';
    const { socket, client } = setup({
      'room:join': () =>
        answer === 'elsewhere'
          ? { ok: false, error: { code: 'session_elsewhere', message: 'This session runs on another server.', hostNodeId: 'node-2' } }
          : answer === 'none'
            ? undefined
            : ok<JoinResult>({ status: 'waiting', session, position: 1 }),
    });
    await client.join({ safety, consent });
    jest.useFakeTimers();
    try {
      answer = 'elsewhere';
      socket.fire('disconnect');
      socket.fire('connect');
      await jest.advanceTimersByTimeAsync(0);
      // Redirected: the socket goes to the named node; the room is not back.
      expect(client.state).toMatchObject({ phase: 'waiting', connection: 'reconnecting' });
      expect(socket.io.opts.query).toEqual({ node: 'node-2' });
      expect(socket.connected).toBe(false);
      // Connected again, the join not answered yet: still reconnecting.
      answer = 'none';
      await jest.advanceTimersByTimeAsync(1_000);
      expect(socket.connected).toBe(true);
      expect(client.state.connection).toBe('reconnecting');
      // The host answers: connected.
      answer = 'waiting';
      socket.fire('disconnect');
      socket.fire('connect');
      await jest.advanceTimersByTimeAsync(0);
      expect(client.state).toMatchObject({ phase: 'waiting', lobbyPosition: 1, connection: 'connected' });
    } finally {
      jest.useRealTimers();
      client.close();
    }
  });

  it('a rejoin refused as rate_limited (a fail-over spent the join budget) waits as told and joins again, never an error', async () => {
    let refuse = true;
    const { socket, client } = setup({
      'room:join': () =>
        refuse
          ? { ok: false, error: { code: 'rate_limited', message: 'Too many requests. Try again in 2 s.', retryAfterSeconds: 2 } }
          : ok<JoinResult>({ status: 'waiting', session, position: 1 }),
    });
    await client.join({ safety, consent }).catch(() => undefined);
    refuse = false;
    await client.join({ safety, consent });
    jest.useFakeTimers();
    try {
      refuse = true;
      socket.fire('disconnect');
      socket.fire('connect');
      await jest.advanceTimersByTimeAsync(0);
      expect(client.state).toMatchObject({ phase: 'waiting', connection: 'reconnecting' });
      const joinsAfterRefusal = socket.requests('room:join').length;
      refuse = false;
      await jest.advanceTimersByTimeAsync(1_900);
      expect(socket.requests('room:join')).toHaveLength(joinsAfterRefusal);
      await jest.advanceTimersByTimeAsync(1_200);
      expect(socket.requests('room:join')).toHaveLength(joinsAfterRefusal + 1);
      expect(client.state).toMatchObject({ phase: 'waiting', lobbyPosition: 1 });
    } finally {
      jest.useRealTimers();
      client.close();
    }
  });

  it('a patient moved back to the waiting room keeps the reason and learns their place in line', async () => {
    const { socket, client } = setup();
    await client.join({ safety, consent });
    socket.fire('room:removed', { sessionId: SESSION, reason: 'The therapist moved you back to the waiting room.' });
    expect(client.state).toMatchObject({ phase: 'removed', message: 'The therapist moved you back to the waiting room.' });
    await flush();
    expect(socket.sent.at(-1)).toEqual({ event: 'room:join', payload: { sessionId: SESSION } });
    expect(client.state).toMatchObject({ phase: 'waiting', lobbyPosition: 2, message: 'The therapist moved you back to the waiting room.' });
  });

  it('ignores pushes for other sessions', async () => {
    const { socket, client } = setup();
    await client.join({ safety, consent });
    socket.fire('room:ended', { sessionId: '00000000-0000-4000-8000-000000000000' });
    socket.fire('lobby:updated', { sessionId: '00000000-0000-4000-8000-000000000000', waiting: [{ userId: 'x', displayName: 'X', waitingSince: '' }] });
    expect(client.state.phase).toBe('waiting');
    expect(client.state.lobby).toEqual([]);
  });

  it('shows the end of the session to people still in the lobby', async () => {
    const { socket, client } = setup();
    await client.join({ safety, consent });
    socket.fire('room:ended', { sessionId: SESSION });
    expect(client.state).toMatchObject({ phase: 'ended', message: 'The therapist has ended this session.' });
  });

  it('reports a refused join as an error the page can show', async () => {
    const { client } = setup({
      'room:join': () => ({ ok: false, error: { code: 'join_window_closed', message: 'This session is not open to join right now.' } }),
    });
    await expect(client.join({ safety, consent })).rejects.toThrow('This session is not open to join right now.');
    expect(client.state).toMatchObject({ phase: 'error', message: 'This session is not open to join right now.' });
  });

  it('leaves for good, and stops listening when closed', async () => {
    const { socket, client } = setup();
    await client.join({ safety, consent });
    await client.leave();
    expect(socket.sent.at(-1)).toEqual({ event: 'room:leave', payload: { sessionId: SESSION } });
    expect(client.state.phase).toBe('left');
    // A reconnect after leaving does not join again.
    socket.fire('connect');
    await flush();
    expect(socket.sent.filter((s) => s.event === 'room:join')).toHaveLength(1);
    client.close();
    client.close(); // idempotent
    expect(socket.listenerCount()).toBe(0);
  });

  it('has nothing to report before media flows', async () => {
    const { client } = setup();
    await expect(client.getInboundStats()).resolves.toEqual({
      audioBytesReceived: 0,
      screenAudioBytesReceived: 0,
      videoBytesReceived: 0,
      videoFramesDecoded: 0,
      byUser: {},
    });
  });
});

describe('RoomClient on a slow server', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const admitted = (): Reply => () =>
    ok<JoinResult>({
      status: 'admitted',
      session,
      room: {
        selfUserId: 'me',
        selfRole: 'patient',
        participants: [],
        activeSpeakerUserId: null,
        // jsdom has no WebRTC, so starting media fails here like a broken media step would.
        routerRtpCapabilities: {},
      },
    });

  it('keeps a slow join waiting, shows "reconnecting", re-sends under one key, and recovers on the answer', async () => {
    let answer = false;
    const { socket, client } = setup({ 'room:join': (p) => (answer ? waitingAt(1)(p) : undefined), 'room:leave': () => ok({}) });
    const join = client.join({ safety, consent });
    await jest.advanceTimersByTimeAsync(9_999);
    expect(client.state).toMatchObject({ phase: 'joining', connection: 'connected' });
    // Nothing for 10 s: still joining, now shown as reconnecting, and asked again.
    await jest.advanceTimersByTimeAsync(1);
    expect(client.state).toMatchObject({ phase: 'joining', connection: 'reconnecting' });
    answer = true;
    await jest.advanceTimersByTimeAsync(2_000);
    await join;
    expect(client.state).toMatchObject({ phase: 'waiting', connection: 'connected' });
    expect(socket.requests('room:join')).toHaveLength(3);
    // Every copy is the same request: one key, and the safety check as typed.
    expect(new Set(socket.retryKeys).size).toBe(1);
    expect(socket.requests('room:join')).toEqual(Array(3).fill({ sessionId: SESSION, safety, consent }));
  });

  it('stays in the room when a media step fails, and asks the server again without the safety check', async () => {
    const { socket, client } = setup({ 'room:join': admitted(), 'room:leave': () => ok({}) });
    const join = client.join({ safety, consent });
    await jest.advanceTimersByTimeAsync(0);
    await join;
    expect(client.state).toMatchObject({ phase: 'in-room', connection: 'reconnecting' });
    expect(socket.requests('room:join')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(socket.requests('room:join')).toEqual([
      { sessionId: SESSION, safety, consent },
      { sessionId: SESSION },
    ]);
    expect(client.state.phase).toBe('in-room');
    // Backing off: the next try waits twice as long.
    await jest.advanceTimersByTimeAsync(3_999);
    expect(socket.requests('room:join')).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(socket.requests('room:join')).toHaveLength(3);
    // Only the server moves someone out: a removal goes to the waiting room.
    socket.replies['room:join'] = waitingAt(1);
    socket.fire('room:removed', { sessionId: SESSION, reason: 'The therapist moved you back to the waiting room.' });
    await jest.advanceTimersByTimeAsync(0);
    expect(client.state.phase).toBe('waiting');
    client.close();
  });
});

/**
 * The share's sound (`screenAudio`): sent beside the screen when the browser
 * gave an audio track, stopped with it, and played on the receiving side.
 * jsdom has no WebRTC: the mediasoup-client transport is a recording stand-in.
 */
describe('RoomClient: a screen share with sound', () => {
  const view = (sharerUserId: string | null) => ({ sessionId: SESSION, sharerUserId, startedAt: null, allowedUserIds: [] });
  const track = (kind: 'audio' | 'video') => {
    const t: { kind: string; readyState: string; stop: jest.Mock; addEventListener: jest.Mock; contentHint: string } = {
      kind,
      readyState: 'live',
      stop: jest.fn(() => {
        t.readyState = 'ended';
      }),
      addEventListener: jest.fn(),
      contentHint: '',
    };
    return t;
  };
  const displayStream = (...tracks: ReturnType<typeof track>[]) =>
    ({
      getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
      getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
      getTracks: () => tracks,
    }) as unknown as MediaStream;

  function withSendTransport() {
    const { socket, client } = setup({ 'screen:start': () => ok(view('me')), 'screen:stop': () => ok(view(null)), 'room:leave': () => ok({}) });
    const produced: { source: string; track: unknown; close: jest.Mock }[] = [];
    const send = {
      id: 'send-1',
      closed: false,
      close: jest.fn(),
      produce: jest.fn(async (o: { track: unknown; appData: { source: string } }) => {
        const p = { id: `p${produced.length}`, source: o.appData.source, track: o.track, close: jest.fn() };
        produced.push(p);
        return p;
      }),
    };
    Object.assign(client as unknown as Record<string, unknown>, { device: {}, sendTransport: send });
    return { socket, client, produced };
  }

  it('sends the sound as its own `screenAudio` producer and stops both with the share', async () => {
    const { socket, client, produced } = withSendTransport();
    const [video, audio] = [track('video'), track('audio')];
    await client.startScreenShare(displayStream(video, audio));
    expect(produced.map((p) => [p.source, p.track])).toEqual([
      ['screen', video],
      ['screenAudio', audio],
    ]);
    expect(socket.requests('screen:start')).toHaveLength(1);

    await client.stopScreenShare();
    expect(produced.every((p) => p.close.mock.calls.length > 0)).toBe(true);
    expect(video.stop).toHaveBeenCalled();
    expect(audio.stop).toHaveBeenCalled();
    expect(socket.requests('screen:stop')).toHaveLength(1);
    expect(client.state.localScreen).toBeNull();
    client.close();
  });

  it('a capture without sound shares the picture alone', async () => {
    const { client, produced } = withSendTransport();
    await client.startScreenShare(displayStream(track('video')));
    expect(produced.map((p) => p.source)).toEqual(['screen']);
    client.close();
  });

  it('a therapist taking over stops our sound as well as our picture', async () => {
    const { socket, client, produced } = withSendTransport();
    await client.startScreenShare(displayStream(track('video'), track('audio')));
    socket.fire('screen:stateChanged', view('therapist-1'));
    expect(produced.map((p) => p.close.mock.calls.length > 0)).toEqual([true, true]);
    client.close();
  });

  it('plays someone else’s screen sound, and drops it when the SFU closes it', async () => {
    const { socket, client } = setup({ 'media:resumeConsumer': () => ok({}), 'room:leave': () => ok({}) });
    const remoteTrack = { kind: 'audio' };
    const recv = {
      id: 'recv-1',
      closed: false,
      close: jest.fn(),
      consume: jest.fn(async (o: { id: string }) => ({ id: o.id, track: remoteTrack, close: jest.fn(), closed: false })),
    };
    Object.assign(client as unknown as Record<string, unknown>, { recvTransport: recv });
    socket.fire('media:consumerCreated', {
      sessionId: SESSION,
      consumer: { consumerId: 'c-sound', producerId: 'p-sound', userId: 'therapist-1', kind: 'audio', source: 'screenAudio', rtpParameters: {}, producerPaused: false },
    });
    await flush();
    expect(client.state.remoteScreenAudio).toEqual({ userId: 'therapist-1', consumerId: 'c-sound', track: remoteTrack });
    // Not the therapist's microphone: their tile's sound is untouched.
    expect(client.state.remote['therapist-1']?.audio).toBeUndefined();
    expect(socket.requests('media:resumeConsumer')).toEqual([{ sessionId: SESSION, consumerId: 'c-sound' }]);

    socket.fire('media:consumerClosed', { sessionId: SESSION, consumerId: 'c-sound' });
    expect(client.state.remoteScreenAudio).toBeNull();
    client.close();
  });
});

describe('RoomClient room tools (no media)', () => {
  it('a therapist’s mute all: says who muted us until we unmute', async () => {
    const { socket, client } = setup({ 'room:join': waitingAt(1), 'media:setSelf': () => ok({}) });
    await client.join({ safety, consent });
    socket.fire('moderation:mutedByTherapist', { sessionId: SESSION, byName: 'Dana', locked: false });
    expect(client.state).toMatchObject({ micOn: false, mutedBy: { byName: 'Dana', locked: false } });
    await client.setMic(true);
    expect(socket.sent.at(-1)).toEqual({ event: 'media:setSelf', payload: { sessionId: SESSION, source: 'mic', on: true } });
    expect(client.state).toMatchObject({ micOn: true, mutedBy: null });
  });

  it('asks the server to mute all (locked or not) and answers its result', async () => {
    const result = { muted: ['a'], alreadyMuted: 1, locked: true };
    const { socket, client } = setup({ 'moderation:muteAll': () => ok(result) });
    await expect(client.muteAll(true)).resolves.toEqual(result);
    expect(socket.sent).toEqual([{ event: 'moderation:muteAll', payload: { sessionId: SESSION, lock: true } }]);
  });

  it('offers audio only after a sustained poor connection, once; "not now" stops the offer for the session', () => {
    const { client } = setup();
    const lossy = (i: number) => ({ packetsReceived: i * 400, packetsLost: i * 100 });
    client.handleQualitySample(lossy(0));
    client.handleQualitySample(lossy(1));
    client.handleQualitySample(lossy(2));
    expect(client.state.audioOnlySuggested).toBe(false);
    client.handleQualitySample(lossy(3));
    expect(client.state.audioOnlySuggested).toBe(true);
    client.dismissAudioOnlySuggestion();
    for (let i = 4; i < 10; i++) client.handleQualitySample(lossy(i));
    expect(client.state.audioOnlySuggested).toBe(false);
  });

  it('audio only turns our camera off through the server, and back on leaves it off', async () => {
    const { socket, client } = setup({ 'media:setSelf': () => ok({}) });
    (client as unknown as { patch(u: object): void }).patch({ phase: 'in-room', cameraOn: true, audioOnlySuggested: true });
    await client.setAudioOnly(true);
    expect(socket.sent).toContainEqual({ event: 'media:setSelf', payload: { sessionId: SESSION, source: 'camera', on: false } });
    expect(client.state).toMatchObject({ audioOnly: true, audioOnlySuggested: false, cameraOn: false });
    await client.setAudioOnly(false);
    expect(client.state).toMatchObject({ audioOnly: false, cameraOn: false });
  });
});

/**
 * Background blur's fallback in the RoomClient: the processed track goes into
 * the camera producer by replaceTrack and back; the camera off pauses it;
 * leaving stops it; the choice is remembered and taken up by the next room.
 * The processing itself is a stand-in (jsdom has no WebGL or canvas capture).
 */
describe('RoomClient: background blur fallback', () => {
  class FakeMediaStream {
    constructor(private readonly tracks: MediaStreamTrack[]) {}
    getVideoTracks() {
      return this.tracks.filter((t) => t.kind === 'video');
    }
    getAudioTracks() {
      return this.tracks.filter((t) => t.kind === 'audio');
    }
    getTracks() {
      return this.tracks;
    }
  }
  beforeAll(() => Object.assign(globalThis, { MediaStream: FakeMediaStream }));
  afterEach(() => localStorage.clear());

  function withBlur() {
    const processed = { kind: 'video', id: 'blurred' } as MediaStreamTrack;
    const processor = { track: processed, setPaused: jest.fn(), stop: jest.fn() };
    const startProcessor = jest.fn(async () => processor);
    const socket = new FakeSocket({ 'media:setSelf': () => ok({}), 'room:leave': () => ok({}) });
    const client = new RoomClient(socket.asSocket, SESSION, { fallbackSupported: () => true, startProcessor });
    const camera = { kind: 'video', id: 'camera', enabled: true, getCapabilities: () => ({}), getSettings: () => ({}) } as unknown as MediaStreamTrack;
    client.setLocalStream(new FakeMediaStream([camera]) as unknown as MediaStream);
    const producer = {
      closed: false,
      track: camera as MediaStreamTrack,
      replaceTrack: jest.fn(async ({ track }: { track: MediaStreamTrack }) => {
        producer.track = track;
      }),
      pause: jest.fn(),
      resume: jest.fn(),
      close: jest.fn(),
    };
    (client as unknown as { producers: Map<string, unknown> }).producers.set('camera', producer);
    return { client, camera, processed, processor, startProcessor, producer };
  }

  it('swaps the processed track in and the camera back; camera off pauses; leaving stops', async () => {
    const { client, camera, processed, processor, producer } = withBlur();
    expect(client.state).toMatchObject({ blurAvailable: true, blurMode: 'fallback', backgroundBlur: false });
    await client.setBackgroundBlur(true);
    expect(producer.replaceTrack).toHaveBeenLastCalledWith({ track: processed });
    expect(client.state).toMatchObject({ backgroundBlur: true, blurStatus: 'on' });
    expect(client.state.blurredStream?.getVideoTracks()[0]).toBe(processed);
    expect(client.cameraSendTrack()).toBe(processed);

    await client.setCamera(false);
    expect(processor.setPaused).toHaveBeenLastCalledWith(true);
    await client.setCamera(true);
    expect(processor.setPaused).toHaveBeenLastCalledWith(false);

    await client.setBackgroundBlur(false);
    expect(producer.replaceTrack).toHaveBeenLastCalledWith({ track: camera });
    expect(processor.stop).toHaveBeenCalledTimes(1);
    expect(client.state).toMatchObject({ backgroundBlur: false, blurStatus: 'off', blurredStream: null });

    await client.setBackgroundBlur(true);
    await client.leave();
    expect(processor.stop).toHaveBeenCalledTimes(2);
    expect(client.state.blurStatus).toBe('off');
  });

  it('remembers the choice: the next room starts blurred by itself; turned off, it does not', async () => {
    const first = withBlur();
    await first.client.setBackgroundBlur(true);
    first.client.close();
    const second = withBlur();
    await flush();
    expect(second.startProcessor).toHaveBeenCalledTimes(1);
    expect(second.client.state).toMatchObject({ backgroundBlur: true, blurStatus: 'on' });
    await second.client.setBackgroundBlur(false);
    second.client.close();
    const third = withBlur();
    await flush();
    expect(third.startProcessor).not.toHaveBeenCalled();
    third.client.close();
  });

  it('a failed start keeps the camera in the producer and says so', async () => {
    const { client, camera, producer, startProcessor } = withBlur();
    startProcessor.mockRejectedValueOnce(new Error('no WebGL'));
    await expect(client.setBackgroundBlur(true)).rejects.toThrow(/could not start background blur/);
    expect(producer.replaceTrack).not.toHaveBeenCalled();
    expect(client.cameraSendTrack()).toBe(camera);
    expect(client.state).toMatchObject({ backgroundBlur: false, blurStatus: 'failed' });
    expect(client.state.blurError).toMatch(/Your camera is still on, without blur/);
    client.close();
  });
});

describe('RoomClient reactions', () => {
  const T0 = Date.parse('2026-12-03T18:00:00Z');
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  const inRoom = () => {
    const { socket, client } = setup({ 'room:join': waitingAt(1), 'room:leave': () => ok({}), 'room:react': () => ok({}) });
    (client as unknown as { patch(u: object): void }).patch({ phase: 'in-room' });
    return { socket, client };
  };
  const push = (userId: string, reaction: 'support' | 'agree' | 'thanks' | 'relate', sentMsAgo = 0, sessionId = SESSION) => ({
    sessionId,
    userId,
    reaction,
    at: new Date(Date.now() - sentMsAgo).toISOString(),
  });

  it('shows a reaction on its sender for REACTION_SHOWN_MS; the same one again starts over', async () => {
    const { socket, client } = inRoom();
    socket.fire('room:reaction', push('u1', 'relate'));
    expect(client.state.reactions.u1?.reaction).toBe('relate');
    await jest.advanceTimersByTimeAsync(REACTION_SHOWN_MS - 1);
    expect(client.state.reactions.u1?.reaction).toBe('relate');
    await jest.advanceTimersByTimeAsync(1);
    expect(client.state.reactions).toEqual({});

    socket.fire('room:reaction', push('u1', 'agree'));
    await jest.advanceTimersByTimeAsync(REACTION_SHOWN_MS - 1000);
    socket.fire('room:reaction', push('u1', 'agree'));
    await jest.advanceTimersByTimeAsync(1000);
    expect(client.state.reactions.u1?.reaction).toBe('agree'); // the first one's end does not take the second away
    await jest.advanceTimersByTimeAsync(REACTION_SHOWN_MS - 1000);
    expect(client.state.reactions).toEqual({});
  });

  it('shows a reaction heard late for what is left of its time (half at least), and ignores other sessions and the lobby', async () => {
    const { socket, client } = inRoom();
    socket.fire('room:reaction', push('u2', 'thanks', 2000));
    await jest.advanceTimersByTimeAsync(REACTION_SHOWN_MS - 2000 - 1);
    expect(client.state.reactions.u2?.reaction).toBe('thanks');
    await jest.advanceTimersByTimeAsync(1);
    expect(client.state.reactions).toEqual({});
    socket.fire('room:reaction', push('u2', 'thanks', 60_000)); // a clock far off: still shown, for half the time
    await jest.advanceTimersByTimeAsync(REACTION_SHOWN_MS / 2 - 1);
    expect(client.state.reactions.u2?.reaction).toBe('thanks');
    await jest.advanceTimersByTimeAsync(1);
    expect(client.state.reactions).toEqual({});

    socket.fire('room:reaction', push('u3', 'support', 0, '00000000-0000-4000-8000-000000000000'));
    (client as unknown as { patch(u: object): void }).patch({ phase: 'waiting' });
    socket.fire('room:reaction', push('u3', 'support'));
    expect(client.state.reactions).toEqual({});
  });

  it('follows the therapist’s reactions switch (pushes), and a therapist’s own switch asks the server', async () => {
    const { socket, client } = inRoom();
    socket.replies['room:setReactionsAllowed'] = (p) => ok({ allowed: (p as { allowed: boolean }).allowed });
    expect(client.state.reactionsAllowed).toBe(true);
    socket.fire('room:reactionsAllowedChanged', { sessionId: SESSION, allowed: false });
    expect(client.state.reactionsAllowed).toBe(false);
    socket.fire('room:reactionsAllowedChanged', { sessionId: '00000000-0000-4000-8000-000000000000', allowed: true });
    expect(client.state.reactionsAllowed).toBe(false);
    const set = client.setReactionsAllowed(true);
    await jest.advanceTimersByTimeAsync(0);
    await set;
    expect(socket.requests('room:setReactionsAllowed')).toEqual([{ sessionId: SESSION, allowed: true }]);
    expect(client.state.reactionsAllowed).toBe(true);
  });

  it('sends our reaction to the server, and leaves no timer behind when it closes', async () => {
    const { socket, client } = inRoom();
    const sent = client.react('support');
    await jest.advanceTimersByTimeAsync(0);
    await sent;
    expect(socket.requests('room:react')).toEqual([{ sessionId: SESSION, reaction: 'support' }]);
    socket.fire('room:reaction', push('u1', 'support'));
    expect(jest.getTimerCount()).toBe(1);
    client.close();
    expect(jest.getTimerCount()).toBe(0); // no reaction's timer outlives the room client
  });
});
