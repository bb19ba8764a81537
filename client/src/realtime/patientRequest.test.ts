import type { Ack } from '@hearth/protocol';
import { requestPatiently, type RetryEmitter } from './patientRequest';
import { RequestError } from './socket';

function fakeEmitter() {
  const emitted: { event: string; payload: Record<string, unknown>; ack: (ack: Ack<unknown>) => void }[] = [];
  const emitter: RetryEmitter = {
    connected: true,
    emit(event, payload, ack) {
      emitted.push({ event, payload: payload as Record<string, unknown>, ack });
      return emitter;
    },
  };
  return { emitter, emitted };
}

describe('requestPatiently', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a refusal keeps the body the server sent: session_elsewhere names the host the room client redirects to', async () => {
    const { emitter, emitted } = fakeEmitter();
    const pending = requestPatiently(emitter, 'room:join', { sessionId: 's1' });
    emitted[0]!.ack({ ok: false, error: { code: 'session_elsewhere', message: 'elsewhere', hostNodeId: 'node-2' } });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ event: 'room:join', code: 'session_elsewhere', hostNodeId: 'node-2' });
  });

  it('answers straight away when the server is quick, without re-sending', async () => {
    const { emitter, emitted } = fakeEmitter();
    const onSlow = jest.fn();
    const pending = requestPatiently(emitter, 'system:ping', {}, { onSlow });
    emitted[0]!.ack({ ok: true, data: { serverTime: 1 } });
    await expect(pending).resolves.toEqual({ serverTime: 1 });
    jest.advanceTimersByTime(60_000);
    expect(emitted).toHaveLength(1);
    expect(onSlow).not.toHaveBeenCalled();
  });

  it('re-sends a slow request with backoff under one key, and takes the first answer to any copy', async () => {
    const { emitter, emitted } = fakeEmitter();
    const onSlow = jest.fn();
    const onSettledAfterSlow = jest.fn();
    const pending = requestPatiently(emitter, 'system:ping', {}, { onSlow, onSettledAfterSlow });
    jest.advanceTimersByTime(9_999);
    expect(emitted).toHaveLength(1);
    expect(onSlow).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(onSlow).toHaveBeenCalledTimes(1);
    expect(emitted).toHaveLength(2);
    jest.advanceTimersByTime(2_000);
    expect(emitted).toHaveLength(3);
    jest.advanceTimersByTime(3_999);
    expect(emitted).toHaveLength(3); // backoff doubled to 4 s
    jest.advanceTimersByTime(1);
    expect(emitted).toHaveLength(4);
    const keys = new Set(emitted.map((e) => e.payload.requestId));
    expect(keys.size).toBe(1);
    expect(String([...keys][0])).toMatch(/^[A-Za-z0-9_-]{8,64}$/);

    // The answer to the first copy arrives late: it still counts.
    emitted[0]!.ack({ ok: true, data: { serverTime: 7 } });
    emitted[2]!.ack({ ok: true, data: { serverTime: 8 } });
    await expect(pending).resolves.toEqual({ serverTime: 7 });
    expect(onSlow).toHaveBeenCalledTimes(1);
    expect(onSettledAfterSlow).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(60_000);
    expect(emitted).toHaveLength(4);
  });

  it('does not re-send while the socket is down', () => {
    const { emitter, emitted } = fakeEmitter();
    void requestPatiently(emitter, 'system:ping', {}).catch(() => undefined);
    emitter.connected = false;
    jest.advanceTimersByTime(30_000);
    expect(emitted).toHaveLength(1);
    emitter.connected = true;
    jest.advanceTimersByTime(15_000);
    expect(emitted).toHaveLength(2);
  });

  it("passes the server's refusal on, and gives up only after the long limit", async () => {
    const { emitter, emitted } = fakeEmitter();
    const refused = requestPatiently(emitter, 'system:ping', {});
    emitted[0]!.ack({ ok: false, error: { code: 'not_admitted', message: 'Not in the room.' } });
    await expect(refused).rejects.toMatchObject({ code: 'not_admitted' });

    const silent = requestPatiently(emitter, 'system:ping', {}, { giveUpAfterMs: 40_000 }).catch((e: unknown) => e);
    jest.advanceTimersByTime(40_000);
    const error = await silent;
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it('keeps the host node of a session_elsewhere refusal, so the room can follow the session to its node', async () => {
    const { emitter, emitted } = fakeEmitter();
    const refused = requestPatiently(emitter, 'room:join', { sessionId: '00000000-0000-4000-8000-000000000000' });
    emitted[0]!.ack({ ok: false, error: { code: 'session_elsewhere', message: 'This session runs on another server.', hostNodeId: 'node-2' } });
    await expect(refused).rejects.toMatchObject({ code: 'session_elsewhere', hostNodeId: 'node-2' });
  });
});
