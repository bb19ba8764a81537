import type { DataSource } from 'typeorm';
import type { RecentRecord, SessionRecord } from '@hearth/protocol';
import { request } from '../helpers/socket';
import { CONSENT, connectAs, inProgressGroupSession, SAFETY, type Person } from '../helpers/room-helpers';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';

jest.setTimeout(120_000);

/**
 * Attended / late / no-show per patient, computed from the room's segments:
 * the record page marks each patient, and the therapist's recent-session cards
 * count them. A patient on the roster with no segment is "not arrived" while the
 * session runs and a no-show once it has ended.
 */
describe.each(DB_KINDS)('attendance marks on %s', (kind) => {
  let app: TestApp;
  let ds: DataSource;
  let sessionId: string;
  let therapist: Person;
  let onTime: Person;
  let late: Person;

  beforeAll(async () => {
    app = await startTestApp(kind);
    ds = app.dataSource;
    therapist = await connectAs(app, 'therapist@hearth.test');
    onTime = await connectAs(app, 'patient1@hearth.test');
    late = await connectAs(app, 'patient2@hearth.test');
    sessionId = await inProgressGroupSession(app, therapist.token);
  });
  afterAll(async () => {
    for (const p of [therapist, onTime, late]) p?.socket.close();
    await app?.stop();
  });

  const recent = async () => {
    const res = await api<RecentRecord[]>(app, 'GET', '/api/me/records', { token: therapist.token });
    expect(res.status).toBe(200);
    return res.body.find((r) => r.sessionId === sessionId)!;
  };
  const marks = async () => {
    const res = await api<SessionRecord>(app, 'GET', `/api/sessions/${sessionId}/record`, { token: therapist.token });
    expect(res.status).toBe(200);
    return new Map(res.body.attendance.map((r) => [r.userId, r]));
  };

  it('marks on time, late and not yet arrived while the session runs, and no-shows once it ends', async () => {
    expect(await request(therapist.socket, 'room:join', { sessionId })).toMatchObject({ ok: true });
    for (const p of [onTime, late]) {
      expect(await request(p.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT })).toMatchObject({ ok: true, data: { status: 'waiting' } });
    }
    expect(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: 'all' })).toMatchObject({ ok: true });

    // The scheduled start is in the past: one patient came in at the start, the other 7 minutes after it.
    const [{ starts_at: startsAt }] = await ds.query('SELECT starts_at FROM sessions WHERE id = $1', [sessionId]);
    await ds.query(`UPDATE attendance_segments SET joined_at = $3::timestamptz WHERE session_id = $1 AND user_id = $2`, [sessionId, onTime.userId, startsAt]);
    await ds.query(`UPDATE attendance_segments SET joined_at = $3::timestamptz + interval '7 minutes' WHERE session_id = $1 AND user_id = $2`, [
      sessionId,
      late.userId,
      startsAt,
    ]);
    // Their check-ins (the safety check, on entering the waiting room) at the same moments: arrival counts from there.
    await ds.query(`UPDATE safety_checks SET created_at = $3::timestamptz WHERE session_id = $1 AND user_id = $2`, [sessionId, onTime.userId, startsAt]);
    await ds.query(`UPDATE safety_checks SET created_at = $3::timestamptz + interval '7 minutes' WHERE session_id = $1 AND user_id = $2`, [sessionId, late.userId, startsAt]);

    const during = await marks();
    const patients = [...during.values()].filter((r) => r.role === 'patient');
    const absent = patients.filter((r) => r.userId !== onTime.userId && r.userId !== late.userId);
    expect(absent.length).toBeGreaterThan(0); // the demo cohort has more patients than the two who came
    expect(during.get(onTime.userId)!.mark).toBe('attended');
    expect(during.get(late.userId)).toMatchObject({ mark: 'late', lateMinutes: 7 });
    expect(absent.every((r) => r.mark === 'not_yet')).toBe(true);
    expect(during.get(therapist.userId)!.mark).toBeNull();
    expect((await recent()).attendance).toEqual({ attended: 1, late: 1, noShow: 0, notYet: absent.length });

    expect(await request(therapist.socket, 'room:end', { sessionId })).toMatchObject({ ok: true });

    const after = await marks();
    expect(after.get(onTime.userId)!.mark).toBe('attended');
    expect(after.get(late.userId)!.mark).toBe('late');
    expect(absent.every((r) => after.get(r.userId)!.mark === 'no_show')).toBe(true);
    expect((await recent()).attendance).toEqual({ attended: 1, late: 1, noShow: absent.length, notYet: 0 });

    // A no-show who joined by phone, corrected by the therapist with a reason, counts as attended.
    const phoned = absent[0]!.userId;
    const corrected = await api(app, 'POST', `/api/sessions/${sessionId}/attendance/corrections`, {
      token: therapist.token,
      body: { userId: phoned, minutes: 60, reason: 'Joined by phone after the video failed' },
    });
    expect(corrected.status).toBe(204);
    expect((await marks()).get(phoned)!.mark).toBe('attended');
    expect((await recent()).attendance).toEqual({ attended: 2, late: 1, noShow: absent.length - 1, notYet: 0 });

    // The program allows a 10-minute grace period: 7 minutes late is on time (the minutes still say 7); 7 minutes is late again at 7.
    const admin = await login(app, 'admin@hearth.test');
    const [{ program_id: programId }] = await ds.query('SELECT program_id FROM sessions WHERE id = $1', [sessionId]);
    const setLateAfter = (lateAfterMinutes: unknown) =>
      api<{ lateAfterMinutes: number }>(app, 'PATCH', `/api/admin/programs/${programId as string}`, { token: admin.accessToken, body: { lateAfterMinutes } });
    expect((await setLateAfter(10)).body.lateAfterMinutes).toBe(10);
    expect((await marks()).get(late.userId)).toMatchObject({ mark: 'attended', lateMinutes: 7 });
    expect((await recent()).attendance).toEqual({ attended: 3, late: 0, noShow: absent.length - 1, notYet: 0 });
    expect((await setLateAfter(7)).status).toBe(200);
    expect((await marks()).get(late.userId)).toMatchObject({ mark: 'late', lateMinutes: 7 });
    // Bounds and type, and only the program's admins.
    for (const bad of [0, 61, 2.5, '5']) expect((await setLateAfter(bad)).status).toBe(400);
    expect((await api(app, 'PATCH', `/api/admin/programs/${programId as string}`, { token: therapist.token, body: { lateAfterMinutes: 30 } })).status).toBe(403);
    expect((await setLateAfter(1)).body.lateAfterMinutes).toBe(1);
  });

  it('shows the counts to therapists only', async () => {
    const admin = await login(app, 'admin@hearth.test');
    expect((await api(app, 'GET', '/api/me/records', { token: onTime.token })).status).toBe(403);
    expect((await api(app, 'GET', '/api/me/records', { token: admin.accessToken })).status).toBe(403);
  });
});
