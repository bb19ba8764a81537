import { PROTOCOL_VERSION, type Ack } from '@hearth/protocol';
import { createSocket, request, RequestError, retryDelayAfterRefusal, type AckEmitter } from './socket';

/** Records emits and lets the test answer (or not) each one. */
function fakeEmitter() {
  const emitted: { event: string; payload: unknown; ack: (ack: Ack<unknown>) => void }[] = [];
  const emitter: AckEmitter = {
    emit(event, payload, ack) {
      emitted.push({ event, payload, ack });
      return emitter;
    },
  };
  return { emitter, emitted };
}

describe('request', () => {
  afterEach(() => jest.useRealTimers());

  it('emits the event with its payload and resolves with the acknowledged data', async () => {
    const { emitter, emitted } = fakeEmitter();

    const pending = request(emitter, 'system:ping', {});
    expect(emitted).toHaveLength(1);
    expect(emitted[0]?.event).toBe('system:ping');
    expect(emitted[0]?.payload).toEqual({});
    emitted[0]?.ack({ ok: true, data: { serverTime: 1234 } });

    await expect(pending).resolves.toEqual({ serverTime: 1234 });
  });

  it("rejects with the server's code and message on {ok:false}", async () => {
    const { emitter, emitted } = fakeEmitter();

    const pending = request(emitter, 'system:ping', {});
    emitted[0]?.ack({ ok: false, error: { code: 'forbidden', message: 'Not in this room.' } });

    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'Not in this room.', event: 'system:ping' });
  });

  it('rejects with code "timeout" when no acknowledgement arrives in time, and ignores a late one', async () => {
    jest.useFakeTimers();
    const { emitter, emitted } = fakeEmitter();

    let outcome: unknown = 'pending';
    request(emitter, 'system:ping', {}, 2_000).then(
      (data) => (outcome = data),
      (error: unknown) => (outcome = error),
    );

    await jest.advanceTimersByTimeAsync(1_999);
    expect(outcome).toBe('pending');

    await jest.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(RequestError);
    expect(outcome).toMatchObject({ code: 'timeout' });

    // The answer that finally arrives must not throw or change anything.
    expect(() => emitted[0]?.ack({ ok: true, data: { serverTime: 1 } })).not.toThrow();
  });
});

describe('createSocket', () => {
  const handshakeOf = (socket: ReturnType<typeof createSocket>) => {
    let sent: unknown;
    (socket.auth as (cb: (data: unknown) => void) => void)((data) => (sent = data));
    return sent;
  };

  it('sends the token and protocol version in the handshake', () => {
    const socket = createSocket({ token: 'tok-1', url: 'http://127.0.0.1:9', autoConnect: false });
    try {
      expect(handshakeOf(socket)).toEqual({ token: 'tok-1', protocolVersion: PROTOCOL_VERSION });
      expect(socket.connected).toBe(false);
    } finally {
      socket.close();
    }
  });

  it('reads the current token on every (re)connect', () => {
    let current = 'tok-1';
    const socket = createSocket({ token: () => current, url: 'http://127.0.0.1:9', autoConnect: false });
    try {
      expect(handshakeOf(socket)).toEqual({ token: 'tok-1', protocolVersion: PROTOCOL_VERSION });
      current = 'tok-2';
      expect(handshakeOf(socket)).toEqual({ token: 'tok-2', protocolVersion: PROTOCOL_VERSION });
    } finally {
      socket.close();
    }
  });
});

describe('retryDelayAfterRefusal', () => {
  it('waits out a refused handshake for too many connections, spread up to half again', () => {
    const err = Object.assign(new Error('Too many connections'), { data: { code: 'rate_limited', message: 'x', retryAfterSeconds: 12 } });
    expect(retryDelayAfterRefusal(err, () => 0)).toBe(12_000);
    expect(retryDelayAfterRefusal(err, () => 1)).toBe(18_000);
  });

  it('does not retry refusals that waiting cannot fix', () => {
    expect(retryDelayAfterRefusal(Object.assign(new Error('x'), { data: { code: 'unauthenticated', message: 'x' } }))).toBeNull();
    expect(retryDelayAfterRefusal(new Error('xhr poll error'))).toBeNull();
  });
});
