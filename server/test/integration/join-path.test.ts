import type { ConsumerInfo, JoinResult, MediaPrepared, MediaWarmed } from '@hearth/protocol';
import { request } from '../helpers/socket';
import { collect, CONSENT, connectAs, inProgressGroupSession, nextEvent, opusSendParameters, SAFETY, type Person } from '../helpers/room-helpers';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';
import { MediaService } from '../../src/modules/media/media.service';

/** RTP parameters a browser would send for a VP8 camera track (one layer). */
const vp8SendParameters = (ssrc: number) => ({
  mid: '1',
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
});

jest.setTimeout(90_000);

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Ok<T> = { ok: true; data: T };
const ok = <T>(ack: unknown): T => {
  expect(ack).toMatchObject({ ok: true });
  return (ack as Ok<T>).data;
};

/**
 * The fast join path (issue 14): the join answer carries the media, a waiting
 * patient prepares transports and paused producers in the lobby so that
 * admission only consumes, and the facilitation state comes in one answer.
 */
describe.each(DB_KINDS)('join path: media with the join, prepared in the lobby (real sockets, mediasoup) — %s', (kind) => {
  let app: TestApp;
  let sessionId: string;
  let therapist: Person;
  let p1: Person;
  let p2: Person;
  let caps: Record<string, unknown>;
  let therapistSend: string;
  const people: Person[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind);
    therapist = await connectAs(app, 'therapist@hearth.test');
    p1 = await connectAs(app, 'patient1@hearth.test');
    p2 = await connectAs(app, 'patient2@hearth.test');
    people.push(therapist, p1, p2);
    sessionId = await inProgressGroupSession(app, therapist.token);
  });
  afterAll(async () => {
    people.forEach((p) => p.socket.close());
    await app?.stop();
  });

  it('hands any signed-in socket the router capabilities before joining, the same the room answers', async () => {
    caps = ok<{ routerRtpCapabilities: Record<string, unknown> }>(await request(p2.socket, 'media:capabilities', {})).routerRtpCapabilities;
    expect(caps).toHaveProperty('codecs');
    expect(await request(p2.socket, 'media:capabilities', { sessionId })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('warms nothing before anyone is in the room (nothing to receive yet), and knows no session it does not know', async () => {
    expect(ok<MediaWarmed>(await request(p2.socket, 'media:warm', { sessionId }))).toEqual({ recv: null });
    expect(app.app.get(MediaService).getRoom(sessionId)?.hasPeer(p2.userId) ?? false).toBe(false);
    expect(await request(p2.socket, 'media:warm', { sessionId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'session_not_found' },
    });
  });

  it('answers a join that carries the device’s capabilities with both transports and the consumers to use', async () => {
    const t = ok<Extract<JoinResult, { status: 'admitted' }>>(
      await request(therapist.socket, 'room:join', { sessionId, media: { rtpCapabilities: caps, send: true } }),
    );
    expect(t.room.routerRtpCapabilities).toEqual(caps);
    expect(t.media).toMatchObject({ recv: { id: expect.any(String) }, send: { id: expect.any(String) }, consumers: [] });
    // In the room at once: the first consumer connects the transport, no warm-up channel.
    expect(t.media!.recv.warmup).toBeUndefined();
    ok(await request(therapist.socket, 'media:produce', { sessionId, transportId: t.media!.send!.id, kind: 'audio', source: 'mic', rtpParameters: opusSendParameters(3001) }));
    therapistSend = t.media!.send!.id;
  });

  it('refuses media setup to people outside the session, and to a patient not yet waiting', async () => {
    expect(await request(p1.socket, 'media:prepare', { sessionId, rtpCapabilities: caps, send: true })).toMatchObject({
      ok: false,
      error: { code: 'not_admitted' },
    });
  });

  it('prepares a waiting patient’s transports and paused producers in the lobby; nobody receives them before admission', async () => {
    const therapistConsumers = collect(therapist.socket, 'media:consumerCreated');
    const w = ok<Extract<JoinResult, { status: 'waiting' }>>(
      await request(p1.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT, media: { rtpCapabilities: caps, send: true } }),
    );
    expect(w.status).toBe('waiting');
    expect(w.routerRtpCapabilities).toEqual(caps);
    // Transports exist before admission; nothing to consume while waiting (the therapist's mic is live).
    expect(w.media).toMatchObject({ recv: { id: expect.any(String) }, send: { id: expect.any(String) }, consumers: [] });
    // The lobby's receive transport comes with an idle data channel to open now: ICE and DTLS before admission.
    expect(w.media!.recv).toMatchObject({ sctpParameters: expect.any(Object), warmup: { dataProducerId: expect.any(String), label: 'hearth-warmup' } });
    ok(await request(p1.socket, 'media:produce', { sessionId, transportId: w.media!.send!.id, kind: 'audio', source: 'mic', rtpParameters: opusSendParameters(3002) }));
    // A waiting patient still cannot do what only admitted members may.
    expect(await request(p1.socket, 'media:setSelf', { sessionId, source: 'mic', on: true })).toMatchObject({ ok: false, error: { code: 'not_admitted' } });
    expect(await request(p1.socket, 'facilitation:state', { sessionId })).toMatchObject({ ok: false, error: { code: 'not_admitted' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(therapistConsumers).toEqual([]);
  });

  it('admission only consumes: the admitted patient gets consumers on the lobby transports, and everyone gets theirs', async () => {
    const admitted = nextEvent(p1.socket, 'room:admitted');
    const p1Pushed = collect(p1.socket, 'media:consumerCreated');
    const therapistConsumer = nextEvent(therapist.socket, 'media:consumerCreated', (p) => p.consumer.userId === p1.userId);
    const mic = nextEvent(therapist.socket, 'room:participantJoined', (p) => p.participant.userId === p1.userId);
    ok(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: [p1.userId] }));
    const { room, consumers } = await admitted;
    expect(room.mediaPrepared).toBe(true);
    // The admitted patient's consumers come with the admission, all at once (one negotiation), not one push each.
    expect(consumers).toHaveLength(1);
    expect(p1Pushed).toEqual([]);
    const c: ConsumerInfo = consumers![0]!;
    expect(c).toMatchObject({ userId: therapist.userId, kind: 'audio', source: 'mic' });
    // The consumer is on the transport made in the lobby: resuming it needs no new transport.
    ok(await request(p1.socket, 'media:resumeConsumer', { sessionId, consumerId: c.consumerId }));
    expect((await therapistConsumer).consumer).toMatchObject({ userId: p1.userId, source: 'mic', producerPaused: false });
    // What the patient wanted in the lobby (mic on) is what the room sees.
    expect((await mic).participant).toMatchObject({ micOn: true });
  });

  it('loads chat, turns, check-ins, crisis and role-play state in one answer', async () => {
    const s = ok<Record<string, unknown>>(await request(p1.socket, 'facilitation:state', { sessionId }));
    expect(Object.keys(s).sort()).toEqual(['chat', 'checkins', 'crisis', 'floor', 'roleplay']);
    expect(s.chat).toMatchObject({ messages: expect.any(Array) });
    expect(s.floor).toMatchObject({ sessionId, revision: expect.any(Number) });
  });

  it('a repeated prepare (a fast rejoin) replaces the earlier transports and hands back what to consume', async () => {
    const again = ok<MediaPrepared>(await request(p1.socket, 'media:prepare', { sessionId, rtpCapabilities: caps, send: false }));
    expect(again.send).toBeNull();
    expect(again.consumers.map((c) => c.userId)).toEqual([therapist.userId]);
    // Four transports at most per person: repeated prepares do not pile them up.
    for (let i = 0; i < 3; i++) ok(await request(p1.socket, 'media:prepare', { sessionId, rtpCapabilities: caps, send: true }));
  });

  it('warms a pre-join page’s receive transport and keeps it for that socket’s join; a closed page takes it away', async () => {
    const p3 = await connectAs(app, 'patient3@hearth.test');
    const p4 = await connectAs(app, 'patient4@hearth.test');
    people.push(p3, p4);
    const media = app.app.get(MediaService).getRoom(sessionId)!;
    const warmed = ok<MediaWarmed>(await request(p3.socket, 'media:warm', { sessionId }));
    expect(warmed.recv).toMatchObject({ id: expect.any(String), sctpParameters: expect.any(Object), warmup: { label: 'hearth-warmup' } });
    // A warm peer receives nothing: no capabilities, no consumers, and nobody's new media comes to it.
    expect([...media.peer(p3.userId).transports.keys()]).toEqual([warmed.recv!.id]);
    expect(media.peer(p3.userId).rtpCapabilities).toBeUndefined();
    expect(media.consumersOf(p3.userId)).toEqual([]);
    // Its page connects that transport (ICE, DTLS) before joining — that one, and no other.
    const dtls = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }] };
    ok(await request(p3.socket, 'media:connectTransport', { sessionId, transportId: warmed.recv!.id, dtlsParameters: dtls }));
    expect(await request(p4.socket, 'media:connectTransport', { sessionId, transportId: warmed.recv!.id, dtlsParameters: dtls })).toMatchObject({
      ok: false,
      error: { code: 'not_admitted' },
    });

    const w = ok<Extract<JoinResult, { status: 'waiting' }>>(
      await request(p3.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT, media: { rtpCapabilities: caps, send: true, warm: warmed.recv!.id } }),
    );
    // The join keeps the warm transport (already connecting) and adds the send side.
    expect(w.media!.recv.id).toBe(warmed.recv!.id);
    expect(w.media!.send).toMatchObject({ id: expect.any(String) });
    expect(media.peer(p3.userId).transports.size).toBe(2);

    // A join naming a transport that is not its own warm one gets fresh transports.
    const other = ok<MediaWarmed>(await request(p4.socket, 'media:warm', { sessionId }));
    const w4 = ok<Extract<JoinResult, { status: 'waiting' }>>(
      await request(p4.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT, media: { rtpCapabilities: caps, send: false, warm: warmed.recv!.id } }),
    );
    expect(w4.media!.recv.id).not.toBe(other.recv!.id);
    expect(w4.media!.recv.id).not.toBe(warmed.recv!.id);
    ok(await request(p4.socket, 'room:leave', { sessionId }));

    // Warmed, then the page closed: the transport goes with the socket.
    const again = ok<MediaWarmed>(await request(p4.socket, 'media:warm', { sessionId }));
    expect(media.peer(p4.userId).transports.has(again.recv!.id)).toBe(true);
    p4.socket.close();
    await waitFor(() => !media.hasPeer(p4.userId));
  });

  it('forwards only what is seen: a browser pauses and resumes its own video consumers, never audio, never someone else’s', async () => {
    const p1Camera = nextEvent(p1.socket, 'media:consumerCreated', (p) => p.consumer.source === 'camera');
    ok(await request(therapist.socket, 'media:produce', { sessionId, transportId: therapistSend, kind: 'video', source: 'camera', rtpParameters: vp8SendParameters(4001) }));
    const video = (await p1Camera).consumer;
    ok(await request(p1.socket, 'media:resumeConsumer', { sessionId, consumerId: video.consumerId }));
    const media = app.app.get(MediaService).getRoom(sessionId)!;
    const consumerAtSfu = () => media.peer(p1.userId).consumer(video.consumerId);
    expect(consumerAtSfu().paused).toBe(false);

    ok(await request(p1.socket, 'media:setConsumerVisible', { sessionId, consumerId: video.consumerId, visible: false }));
    expect(consumerAtSfu().paused).toBe(true);
    ok(await request(p1.socket, 'media:setConsumerVisible', { sessionId, consumerId: video.consumerId, visible: true }));
    expect(consumerAtSfu().paused).toBe(false);

    // Audio keeps playing whatever the screen shows.
    const audio = media.consumersOf(p1.userId).find((c) => c.consumerId !== video.consumerId)!;
    expect(await request(p1.socket, 'media:setConsumerVisible', { sessionId, consumerId: audio.consumerId, visible: false })).toMatchObject({
      ok: false,
      error: { code: 'media_invalid_parameters' },
    });
    // Someone else's consumer: not found for them (p2 is admitted too), and nobody outside the room may ask.
    ok(await request(p2.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT }));
    ok(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: [p2.userId] }));
    ok(await request(p2.socket, 'media:prepare', { sessionId, rtpCapabilities: caps, send: false }));
    expect(await request(p2.socket, 'media:setConsumerVisible', { sessionId, consumerId: video.consumerId, visible: false })).toMatchObject({
      ok: false,
      error: { code: 'media_unknown_consumer' },
    });
    expect(consumerAtSfu().paused).toBe(false);
    expect(await request(p2.socket, 'media:setConsumerVisible', { sessionId, consumerId: 'nope', visible: false })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });
  it('prepares the room’s streams on a pre-join page, paused and anonymous: only entering resumes them, and names them', async () => {
    const p5 = await connectAs(app, 'patient5@hearth.test');
    const p6 = await connectAs(app, 'patient6@hearth.test');
    people.push(p5, p6);
    const media = app.app.get(MediaService).getRoom(sessionId)!;
    const inRoom = media.producersExcept(p5.userId).map((p) => p.id).sort();
    const warmed = ok<MediaWarmed>(await request(p5.socket, 'media:warm', { sessionId, rtpCapabilities: caps }));
    // One paused consumer per stream in the room, and nothing says whose it is.
    expect(warmed.prepared!.map((c) => c.producerId).sort()).toEqual(inRoom);
    for (const c of warmed.prepared!) expect(Object.keys(c).sort()).toEqual(['consumerId', 'kind', 'producerId', 'rtpParameters']);
    expect(media.consumersOf(p5.userId).every((c) => c.paused && c.prepared)).toBe(true);
    const first = warmed.prepared![0]!.consumerId;
    // The page cannot start them itself.
    expect(await request(p5.socket, 'media:resumeConsumer', { sessionId, consumerId: first })).toMatchObject({ ok: false, error: { code: 'not_admitted' } });
    const video = warmed.prepared!.find((c) => c.kind === 'video')!;
    expect(await request(p5.socket, 'media:setConsumerVisible', { sessionId, consumerId: video.consumerId, visible: true })).toMatchObject({
      ok: false,
      error: { code: 'not_admitted' },
    });

    // Waiting: still paused. Admission resumes them and names them; no second consumer of those streams.
    const w = ok<Extract<JoinResult, { status: 'waiting' }>>(
      await request(p5.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT, media: { rtpCapabilities: caps, send: true, warm: warmed.recv!.id } }),
    );
    expect(w.media!.recv.id).toBe(warmed.recv!.id);
    expect(w.media!.prepared ?? []).toEqual([]); // nothing new since the pre-join page
    expect(media.consumersOf(p5.userId).every((c) => c.paused)).toBe(true);
    const admitted = nextEvent(p5.socket, 'room:admitted', (p) => p.sessionId === sessionId);
    ok(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: [p5.userId] }));
    const handed = (await admitted).consumers ?? [];
    expect(handed.filter((c) => c.resumed).map((c) => c.consumerId).sort()).toEqual(warmed.prepared!.map((c) => c.consumerId).sort());
    expect(handed.find((c) => c.consumerId === video.consumerId)).toMatchObject({ userId: therapist.userId, source: 'camera', resumed: true });
    expect(media.consumersOf(p5.userId).every((c) => !c.paused && !c.prepared)).toBe(true);
    expect(new Set(media.consumersOf(p5.userId).map((c) => c.producerId)).size).toBe(media.consumersOf(p5.userId).length);

    // A prepared page receives nothing of media that starts later: no consumer, no push.
    const warm6 = ok<MediaWarmed>(await request(p6.socket, 'media:warm', { sessionId, rtpCapabilities: caps }));
    const pushed = collect(p6.socket, 'media:consumerCreated');
    const before = media.consumersOf(p6.userId).length;
    ok(await request(p5.socket, 'media:produce', { sessionId, transportId: w.media!.send!.id, kind: 'audio', source: 'mic', rtpParameters: opusSendParameters(3005) }));
    expect(media.consumersOf(p6.userId)).toHaveLength(before);
    expect(pushed).toEqual([]);

    // Entering straight into the room (back after leaving): the join answer resumes and names the prepared ones.
    ok(await request(p5.socket, 'room:leave', { sessionId }));
    const again = ok<MediaWarmed>(await request(p5.socket, 'media:warm', { sessionId, rtpCapabilities: caps }));
    const j = ok<Extract<JoinResult, { status: 'admitted' }>>(
      await request(p5.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT, media: { rtpCapabilities: caps, send: false, warm: again.recv!.id } }),
    );
    expect(j.status).toBe('admitted');
    expect(j.media!.consumers.filter((c) => c.resumed).map((c) => c.consumerId).sort()).toEqual(again.prepared!.map((c) => c.consumerId).sort());
    expect(j.media!.consumers.every((c) => c.resumed)).toBe(true);
    expect(media.consumersOf(p5.userId).every((c) => !c.paused)).toBe(true);
    expect(warm6.prepared!.length).toBeGreaterThan(0);
  });
  it('a patient admitted while the SFU makes their lobby producer still sends: it is resumed and the room receives it', async () => {
    const p7 = await connectAs(app, 'patient7@hearth.test');
    people.push(p7);
    const w = ok<Extract<JoinResult, { status: 'waiting' }>>(
      await request(p7.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT, media: { rtpCapabilities: caps, send: true } }),
    );
    const media = app.app.get(MediaService).getRoom(sessionId)!;
    // The browser's race: its produce is still on its way through the SFU when the therapist admits.
    const produce = media.produce.bind(media);
    let admissionDone!: () => void;
    const admitted = new Promise<void>((r) => (admissionDone = r));
    const held = jest.spyOn(media, 'produce').mockImplementation(async (...args: Parameters<typeof produce>) => {
      const producer = await produce(...args);
      await admitted;
      return producer;
    });
    try {
      const producing = request(p7.socket, 'media:produce', { sessionId, transportId: w.media!.send!.id, kind: 'audio', source: 'mic', rtpParameters: opusSendParameters(3007) });
      await waitFor(() => held.mock.calls.length === 1);
      const therapistConsumer = nextEvent(therapist.socket, 'media:consumerCreated', (p) => p.consumer.userId === p7.userId);
      const pauses = collect(therapist.socket, 'media:consumerPaused');
      ok(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: [p7.userId] }));
      admissionDone();
      const { producerId } = ok<{ producerId: string }>(await producing);
      // Sending at the SFU, and the therapist receives it: made with it running, or told it resumed.
      expect(media.isProducerPaused(p7.userId, 'mic')).toBe(false);
      const { consumer } = await therapistConsumer;
      expect(consumer).toMatchObject({ userId: p7.userId, source: 'mic', producerId });
      if (consumer.producerPaused) await waitFor(() => pauses.some((p) => p.consumerId === consumer.consumerId && !p.paused));
      expect(media.consumersOf(therapist.userId).filter((c) => c.producerId === producerId)).toHaveLength(1);
    } finally {
      held.mockRestore();
    }
  });
});
