import { requestRetries } from './request-retries';

/** Feeds one packet through the middleware; resolves with the payload the handler would see. */
function send(mw: ReturnType<typeof requestRetries>, packet: unknown[], handler: (p: unknown, ack: (a: unknown) => void) => void) {
  mw(packet, () => handler(packet[1], packet[packet.length - 1] as (a: unknown) => void));
}

describe('requestRetries', () => {
  it('runs a re-sent request once and answers every copy, before and after it finished', () => {
    const mw = requestRetries();
    let runs = 0;
    let finish: (() => void) | null = null;
    const handler = (payload: unknown, ack: (a: unknown) => void) => {
      runs++;
      expect(payload).toEqual({ sessionId: 's' }); // the key never reaches validation
      finish = () => ack({ ok: true, data: { id: runs } });
    };
    const answers: unknown[] = [];
    send(mw, ['media:produce', { sessionId: 's', requestId: 'abcdefgh1' }, (a: unknown) => answers.push(['first', a])], handler);
    send(mw, ['media:produce', { sessionId: 's', requestId: 'abcdefgh1' }, (a: unknown) => answers.push(['retry', a])], handler);
    expect(runs).toBe(1);
    finish!();
    send(mw, ['media:produce', { sessionId: 's', requestId: 'abcdefgh1' }, (a: unknown) => answers.push(['late', a])], handler);
    expect(runs).toBe(1);
    expect(answers).toEqual([
      ['first', { ok: true, data: { id: 1 } }],
      ['retry', { ok: true, data: { id: 1 } }],
      ['late', { ok: true, data: { id: 1 } }],
    ]);
  });

  it('runs requests without a key, or with other keys, every time', () => {
    const mw = requestRetries();
    let runs = 0;
    const handler = (_p: unknown, ack: (a: unknown) => void) => ack(++runs);
    send(mw, ['room:join', { sessionId: 's' }, () => undefined], handler);
    send(mw, ['room:join', { sessionId: 's' }, () => undefined], handler);
    send(mw, ['room:join', { sessionId: 's', requestId: 'aaaaaaaa1' }, () => undefined], handler);
    send(mw, ['room:join', { sessionId: 's', requestId: 'aaaaaaaa2' }, () => undefined], handler);
    send(mw, ['room:leave', { sessionId: 's', requestId: 'aaaaaaaa2' }, () => undefined], handler);
    expect(runs).toBe(5);
  });

  it('delays the configured events only', () => {
    jest.useFakeTimers();
    try {
      const mw = requestRetries({ 'media:produce': 12_000 });
      const ran: string[] = [];
      mw(['media:produce', {}, () => undefined], () => ran.push('produce'));
      mw(['room:join', {}, () => undefined], () => ran.push('join'));
      expect(ran).toEqual(['join']);
      jest.advanceTimersByTime(11_999);
      expect(ran).toEqual(['join']);
      jest.advanceTimersByTime(1);
      expect(ran).toEqual(['join', 'produce']);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('requestRetries shared by a user’s sockets', () => {
  it('answers a copy re-sent on a new socket (after a reconnect) without running it again; other users run their own', () => {
    const answers = new Map();
    const oldSocket = requestRetries({}, { answers, userId: 'u1' });
    const newSocket = requestRetries({}, { answers, userId: 'u1' });
    const otherUser = requestRetries({}, { answers, userId: 'u2' });
    let runs = 0;
    const handler = (_p: unknown, ack: (a: unknown) => void) => ack({ ok: true, data: { messageId: ++runs } });
    const got: unknown[] = [];
    send(oldSocket, ['chat:send', { sessionId: 's', text: 'hi', requestId: 'chatkey001' }, (a: unknown) => got.push(a)], handler);
    send(newSocket, ['chat:send', { sessionId: 's', text: 'hi', requestId: 'chatkey001' }, (a: unknown) => got.push(a)], handler);
    send(otherUser, ['chat:send', { sessionId: 's', text: 'hi', requestId: 'chatkey001' }, (a: unknown) => got.push(a)], handler);
    expect(runs).toBe(2);
    expect(got).toEqual([
      { ok: true, data: { messageId: 1 } },
      { ok: true, data: { messageId: 1 } },
      { ok: true, data: { messageId: 2 } },
    ]);
  });
});
