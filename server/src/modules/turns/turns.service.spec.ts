import type { FloorView, RoomRole } from '@hearth/protocol';
import type { Notifier } from '../realtime/notifier';
import type { LiveStateStore } from '../rooms/live-state/live-state.store';
import type { MicGate, PresenceEvent, RoomsService } from '../rooms/rooms.service';
import { TurnsService } from './turns.service';

/** RoomsService and Notifier stand-ins: who is present, the gate the service sets, what it pushes. */
function harness(people: { userId: string; role: RoomRole }[]) {
  let gate: MicGate | null = null;
  let presence: ((e: PresenceEvent) => void) | undefined;
  const pushed: { event: string; payload: unknown }[] = [];
  const member = (id: string) => people.find((p) => p.userId === id);
  const rooms = {
    onPresence: (l: (e: PresenceEvent) => void) => {
      presence = l;
      return () => undefined;
    },
    requireAdmitted: (id: string) => ({ ...member(id)!, displayName: id }),
    requireTherapist: (id: string) => {
      if (member(id)?.role !== 'therapist') throw Object.assign(new Error('not_moderator'), { code: 'not_moderator' });
      return member(id);
    },
    liveSession: () => ({
      isAdmitted: (id: string) => !!member(id),
      present: () => people.map((p) => ({ ...p, state: 'admitted' })),
    }),
    setMicGate: async (_s: string, g: MicGate | null) => {
      gate = g;
    },
  } as unknown as RoomsService;
  const notifier = {
    toSession: (_s: string, _o: unknown, event: string, payload: unknown) => pushed.push({ event, payload }),
  } as unknown as Notifier;
  const liveState = { register: () => undefined, changed: () => undefined } as unknown as LiveStateStore;
  const service = new TurnsService(rooms, notifier, liveState);
  service.onModuleInit();
  return {
    service,
    pushed,
    live: (id: string) => (gate ? gate(id, member(id)!.role) : true),
    leave: (userId: string) => presence?.({ kind: 'left', sessionId: 's', userId }),
  };
}

const flush = () => new Promise<void>((r) => jest.requireActual<typeof import('timers')>('timers').setImmediate(r));

describe('TurnsService', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-24T18:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  const people = [
    { userId: 't', role: 'therapist' as const },
    { userId: 'a', role: 'patient' as const },
    { userId: 'b', role: 'patient' as const },
  ];

  it('hands the floor (and the live mic) to the next in the queue when the countdown reaches zero', async () => {
    const h = harness(people);
    await h.service.setTalkingStick('t', 's', true);
    await h.service.setTimer('t', 's', 1);
    await h.service.raiseHand('a', 's');
    await h.service.raiseHand('b', 's');
    await h.service.grantNext('t', 's');
    expect([h.live('a'), h.live('b'), h.live('t')]).toEqual([true, false, true]);

    jest.advanceTimersByTime(59_999);
    await flush();
    expect(h.service.state('a', 's').holderUserId).toBe('a');

    jest.advanceTimersByTime(1);
    await flush();
    const last = h.pushed.filter((p) => p.event === 'turn:stateChanged').at(-1)!.payload as FloorView;
    expect(last.holderUserId).toBe('b');
    expect([h.live('a'), h.live('b')]).toEqual([false, true]);

    jest.advanceTimersByTime(60_000);
    await flush();
    expect(h.service.state('a', 's')).toMatchObject({ holderUserId: null, turnEndsAt: null });
    expect([h.live('a'), h.live('b')]).toEqual([false, false]);
  });

  it('refuses patients who grant, and pushes nothing', async () => {
    const h = harness(people);
    await expect(h.service.grant('a', 's', 'a')).rejects.toMatchObject({ code: 'not_moderator' });
    expect(h.pushed).toEqual([]);
  });

  it('answers a patient toggling their hand too fast with rate_limited, and lets them again later', async () => {
    const h = harness(people);
    for (let i = 0; i < 3; i++) {
      await h.service.raiseHand('a', 's');
      await h.service.lowerHand('a', 's');
    }
    await expect(h.service.raiseHand('a', 's')).rejects.toMatchObject({ code: 'rate_limited' });
    expect(h.service.state('a', 's').queue).toEqual([]);
    await h.service.raiseHand('b', 's'); // others are not held up
    jest.advanceTimersByTime(2000);
    await h.service.raiseHand('a', 's');
    expect(h.service.state('a', 's').queue.map((q) => q.userId)).toEqual(['b', 'a']);
  });

  it('takes someone who leaves out of the queue and tells the room', async () => {
    const h = harness(people);
    await h.service.raiseHand('a', 's');
    await h.service.raiseHand('b', 's');
    h.leave('a');
    await flush();
    const last = h.pushed.at(-1)!.payload as FloorView;
    expect(last.queue.map((q) => q.userId)).toEqual(['b']);
  });
});
