import type { DataSource } from 'typeorm';
import type { AuditEntry, AuditVerifyResult, SessionRecord } from '@hearth/protocol';
import { AttendanceRecorder, ATTENDANCE_STALE_MS } from '../../src/modules/rooms/attendance-recorder';
import { request } from '../helpers/socket';
import { CONSENT, connectAs, inProgressGroupSession, SAFETY, type Person } from '../helpers/room-helpers';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';

jest.setTimeout(120_000);

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const cols = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

async function fetchText(app: TestApp, path: string, token: string) {
  const res = await fetch(`${app.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe.each(DB_KINDS)('clinical records and the audit log on %s', (kind) => {
  let app: TestApp;
  let ds: DataSource;
  let sessionId: string;
  let therapist: Person;
  let p1: Person;
  let tokens: { admin: string; cotherapist: string; patient2: string; cotherapistId: string };

  beforeAll(async () => {
    app = await startTestApp(kind);
    ds = app.dataSource;
    therapist = await connectAs(app, 'therapist@hearth.test');
    p1 = await connectAs(app, 'patient1@hearth.test');
    const co = await login(app, 'cotherapist@hearth.test');
    tokens = {
      admin: (await login(app, 'admin@hearth.test')).accessToken,
      cotherapist: co.accessToken,
      cotherapistId: co.user.id,
      patient2: (await login(app, 'patient2@hearth.test')).accessToken,
    };
    sessionId = await inProgressGroupSession(app, therapist.token);
  });
  afterAll(async () => {
    therapist?.socket.close();
    p1?.socket.close();
    await app?.stop();
  });

  it('computes attendance from the room’s segments, exports it as CSV, and refuses anyone else', async () => {
    expect(await request(therapist.socket, 'room:join', { sessionId })).toMatchObject({ ok: true });
    expect(await request(p1.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT })).toMatchObject({ ok: true, data: { status: 'waiting' } });
    expect(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: [p1.userId] })).toMatchObject({ ok: true });
    // A reconnect: leave and come back (two segments).
    expect(await request(p1.socket, 'room:leave', { sessionId })).toMatchObject({ ok: true });
    expect(await request(p1.socket, 'room:join', { sessionId })).toMatchObject({ ok: true });
    expect(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: [p1.userId] })).toMatchObject({ ok: true });
    expect(await request(therapist.socket, 'room:end', { sessionId })).toMatchObject({ ok: true });

    // Stretch p1's first segment to 12 minutes after the scheduled start, so minutes are not trivially 0.
    const [{ starts_at: startsAt }] = await ds.query('SELECT starts_at FROM sessions WHERE id = $1', [sessionId]);
    const first: { id: string }[] = await ds.query(
      'SELECT id FROM attendance_segments WHERE session_id = $1 AND user_id = $2 ORDER BY joined_at LIMIT 1',
      [sessionId, p1.userId],
    );
    await ds.query(`UPDATE attendance_segments SET joined_at = $2::timestamptz + interval '1 minute', left_at = $2::timestamptz + interval '13 minutes' WHERE id = $1`, [
      first[0]!.id,
      startsAt,
    ]);

    const record = await api<SessionRecord>(app, 'GET', `/api/sessions/${sessionId}/record`, { token: therapist.token });
    expect(record.status).toBe(200);
    const row = record.body.attendance.find((r) => r.userId === p1.userId)!;
    expect(row).toMatchObject({ segments: 2, present: false, lateMinutes: 1 });
    expect(row.minutes).toBeGreaterThanOrEqual(12);
    expect(row.minutes).toBeLessThanOrEqual(13);
    expect(record.body.note).toMatchObject({ status: 'draft', prefilled: true });
    expect(record.body.note.members.map((m) => m.userId)).toEqual([p1.userId]);
    expect(record.body.note.members[0]!.text).toContain(`Attended ${row.minutes} min`);

    const csv = await fetchText(app, `/api/sessions/${sessionId}/attendance.csv`, therapist.token);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const rows = parseCsv(csv.text);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['session_id', 'user_id', 'minutes']));
    const p1Row = rows.find((r) => r.user_id === p1.userId)!;
    expect(p1Row).toMatchObject({ session_id: sessionId, minutes: String(row.minutes), segments: '2', attendance_mark: 'late' });
    // Marks as on the record page: p1 arrived a minute late; patient2 never came to the ended session; therapists have none.
    expect(rows.find((r) => r.user_id === therapist.userId)?.attendance_mark).toBe('');
    expect(new Set(rows.filter((r) => r.role === 'patient' && r.user_id !== p1.userId).map((r) => r.attendance_mark))).toEqual(new Set(['no_show']));
    // p1's check-in (the safety check sent on entering the waiting room) came after that first minute here: it changes nothing.
    expect(row.checkedInAt).not.toBeNull();
    expect(p1Row.checked_in_at).toBe(row.checkedInAt);
    expect(record.body.attendance.find((r) => r.userId === therapist.userId)?.checkedInAt).toBeNull();
    // Checked in two minutes before the start and waited to be admitted: on time, and the minutes still count from admission.
    await ds.query(`UPDATE safety_checks SET created_at = $3::timestamptz - interval '2 minutes' WHERE session_id = $1 AND user_id = $2`, [sessionId, p1.userId, startsAt]);
    const waited = (await api<SessionRecord>(app, 'GET', `/api/sessions/${sessionId}/record`, { token: therapist.token })).body.attendance.find((r) => r.userId === p1.userId)!;
    expect(waited).toMatchObject({ lateMinutes: 0, mark: 'attended', minutes: row.minutes, firstJoinedAt: row.firstJoinedAt });
    expect(new Date(waited.checkedInAt!).getTime()).toBe(new Date(startsAt as string).getTime() - 2 * 60_000);

    expect((await fetchText(app, `/api/sessions/${sessionId}/attendance.csv`, tokens.admin)).status).toBe(200);
    expect((await fetchText(app, `/api/sessions/${sessionId}/attendance.csv`, tokens.cotherapist)).status).toBe(200);
    expect((await fetchText(app, `/api/sessions/${sessionId}/attendance.csv`, p1.token)).status).toBe(403);
    expect((await fetchText(app, `/api/sessions/${sessionId}/attendance.csv`, tokens.patient2)).status).toBe(403);
    expect((await api(app, 'GET', `/api/sessions/${sessionId}/record`, { token: p1.token })).status).toBe(403);

    const refused: { n: number }[] = await ds.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'attendance.export_refused' AND outcome = 'refused' AND actor_user_id = $1 AND object_id = $2`,
      [p1.userId, sessionId],
    );
    expect(refused[0]!.n).toBe(1);
    const exports = await api<AuditEntry[]>(app, 'GET', `/api/audit?subjectUserId=${p1.userId}`, { token: tokens.admin });
    expect(exports.status).toBe(200);
    expect(exports.body.map((e) => e.action)).toEqual(expect.arrayContaining(['attendance.export', 'attendance.read', 'note.read', 'auth.sign_in']));
    // Names for the admin, from the users table as they are now: the patient's on every entry, the actor's where there is one.
    const [p1Name]: { name: string }[] = await ds.query(`SELECT first_name || ' ' || last_name AS name FROM users WHERE id = $1`, [p1.userId]);
    const [therapistName]: { name: string }[] = await ds.query(`SELECT first_name || ' ' || last_name AS name FROM users WHERE id = $1`, [therapist.userId]);
    expect(exports.body.every((e) => e.subjectName === p1Name!.name)).toBe(true);
    const byTherapist = exports.body.find((e) => e.actorUserId === therapist.userId && e.action === 'attendance.export');
    expect(byTherapist?.actorName).toBe(therapistName!.name);
    const actorFiltered = await api<AuditEntry[]>(app, 'GET', `/api/audit?actorUserId=${therapist.userId}&subjectUserId=${p1.userId}`, { token: tokens.admin });
    expect(actorFiltered.body.length).toBeGreaterThan(0);
    expect(actorFiltered.body.every((e) => e.actorUserId === therapist.userId && e.actorName === therapistName!.name && e.subjectUserId === p1.userId)).toBe(true);
    // Part of a name, any case, finds the same entries as the id; a pattern character is a letter, not a wildcard.
    const lastName = p1Name!.name.split(' ').at(-1)!;
    const byName = await api<AuditEntry[]>(app, 'GET', `/api/audit?subjectName=${encodeURIComponent(lastName.slice(1).toUpperCase())}`, { token: tokens.admin });
    expect(byName.status).toBe(200);
    // Everything the id found (and what the reads since added, newer): the same patient's entries.
    expect(exports.body.every((e) => byName.body.some((b) => b.id === e.id))).toBe(true);
    expect(byName.body.every((e) => e.subjectName?.toLowerCase().includes(lastName.slice(1).toLowerCase()))).toBe(true);
    expect(byName.body.some((e) => e.subjectUserId === p1.userId)).toBe(true);
    const actorByName = await api<AuditEntry[]>(app, 'GET', `/api/audit?actorName=${encodeURIComponent(therapistName!.name.split(' ')[0]!.toLowerCase())}&subjectUserId=${p1.userId}`, { token: tokens.admin });
    expect(actorByName.body.length).toBeGreaterThan(0);
    expect(actorByName.body.every((e) => e.actorName === therapistName!.name && e.subjectUserId === p1.userId)).toBe(true);
    for (const pattern of ['%%', '__', '_%_']) {
      expect((await api<AuditEntry[]>(app, 'GET', `/api/audit?subjectName=${encodeURIComponent(pattern)}`, { token: tokens.admin })).body).toEqual([]);
    }
    expect((await api(app, 'GET', '/api/audit?subjectName=a', { token: tokens.admin })).status).toBe(400);
    const auditCsv = await fetchText(app, `/api/audit/export.csv?subjectUserId=${p1.userId}`, tokens.admin);
    expect(auditCsv.status).toBe(200);
    expect(auditCsv.text.split('\n')[0]).toBe('id,at,action,actor_user_id,actor_name,subject_user_id,subject_name,object_type,object_id,purpose,outcome,ip,user_agent');
    expect(auditCsv.text).toContain(`${p1.userId},${p1Name!.name},`);
    expect(auditCsv.text).toContain('attendance.export');
    expect((await fetchText(app, `/api/audit/export.csv`, therapist.token)).status).toBe(403);
    const ids = exports.body.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids); // newest first
  });

  it('exports a program’s week for its admins only', async () => {
    const [{ program_id: programId }] = await ds.query('SELECT program_id FROM sessions WHERE id = $1', [sessionId]);
    const csv = await fetchText(app, `/api/programs/${programId}/attendance.csv`, tokens.admin);
    expect(csv.status).toBe(200);
    const rows = parseCsv(csv.text);
    const mine = rows.find((r) => r.session_id === sessionId && r.user_id === p1.userId);
    // On time: p1 checked in before the start and waited to be admitted (the test above).
    expect(mine).toMatchObject({ segments: '2', weekly_target_minutes: '540', attendance_mark: 'attended', late_minutes: '0' });
    expect(mine?.checked_in_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The other patients of that ended session never came: a no-show each, as on the record page.
    const others = rows.filter((r) => r.session_id === sessionId && r.user_id !== p1.userId);
    expect(others.length).toBeGreaterThan(0);
    expect(new Set(others.map((r) => r.attendance_mark))).toEqual(new Set(['no_show']));
    expect(parseCsv(csv.text).every((r) => ['attended', 'late', 'no_show', 'not_yet'].includes(r.attendance_mark!))).toBe(true);
    expect(rows.every((r) => r.user_id !== therapist.userId)).toBe(true);
    expect((await fetchText(app, `/api/programs/${programId}/attendance.csv`, therapist.token)).status).toBe(403);

    const week = await api<{ targetMinutes: number; patients: { patientId: string; totalMinutes: number; flags: string[] }[] }>(
      app,
      'GET',
      `/api/programs/${programId}/attendance-week`,
      { token: tokens.admin },
    );
    expect(week.status).toBe(200);
    const p1Week = week.body.patients.find((x) => x.patientId === p1.userId)!;
    expect(p1Week.totalMinutes).toBe(Number(mine!.minutes));
    expect(p1Week.flags).toEqual(['below_target', 'short_day']);
    expect((await api(app, 'GET', `/api/programs/${programId}/attendance-week`, { token: therapist.token })).status).toBe(403);
    expect((await fetchText(app, `/api/programs/${programId}/attendance.csv?from=2026-01-10&to=2026-01-01`, tokens.admin)).status).toBe(400);
    const refused: { n: number }[] = await ds.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'attendance.export_refused' AND object_type = 'program' AND actor_user_id = $1`,
      [therapist.userId],
    );
    expect(refused[0]!.n).toBe(1);
  });

  it('neutralises a spreadsheet formula in a participant’s name', async () => {
    await ds.query(`UPDATE users SET first_name = '=HYPERLINK("x")' WHERE id = $1`, [p1.userId]);
    const csv = await fetchText(app, `/api/sessions/${sessionId}/attendance.csv`, therapist.token);
    expect(csv.text).toContain(`"'=HYPERLINK(""x"")`);
    await ds.query(`UPDATE users SET first_name = 'Patient' WHERE id = $1`, [p1.userId]);
  });

  it('corrects a row with a reason; the computed minutes stay beside it', async () => {
    const noReason = await api(app, 'POST', `/api/sessions/${sessionId}/attendance/corrections`, {
      token: therapist.token,
      body: { userId: p1.userId, minutes: 30 },
    });
    expect(noReason.status).toBe(400);
    const negative = await api(app, 'POST', `/api/sessions/${sessionId}/attendance/corrections`, {
      token: therapist.token,
      body: { userId: p1.userId, minutes: -1, reason: 'typo' },
    });
    expect(negative.status).toBe(400);
    const done = await api(app, 'POST', `/api/sessions/${sessionId}/attendance/corrections`, {
      token: therapist.token,
      body: { userId: p1.userId, minutes: 30, reason: 'Joined by phone after video failed' },
    });
    expect(done.status).toBe(204);
    const record = await api<SessionRecord>(app, 'GET', `/api/sessions/${sessionId}/record`, { token: therapist.token });
    const row = record.body.attendance.find((r) => r.userId === p1.userId)!;
    expect(row.correction).toMatchObject({ minutes: 30, reason: 'Joined by phone after video failed' });
    expect(row.minutes).toBeLessThan(30);
  });

  it('runs a note through draft, sign (password), refused edits, co-sign and addenda', async () => {
    const path = `/api/sessions/${sessionId}/note`;
    const body = { narrative: 'Theme: coping with cravings', members: [{ userId: p1.userId, text: 'Engaged; shared a relapse-prevention plan.' }] };
    expect((await api(app, 'PUT', path, { token: tokens.admin, body })).status).toBe(403);
    expect((await api(app, 'PUT', path, { token: therapist.token, body: { ...body, members: [{ userId: tokens.cotherapistId, text: 'x' }] } })).status).toBe(400);
    expect((await api(app, 'PUT', path, { token: therapist.token, body })).status).toBe(204);
    expect((await api(app, 'POST', `${path}/addenda`, { token: therapist.token, body: { text: 'too early' } })).status).toBe(409);
    // A sign-in older than 15 minutes signs only with the password re-entered.
    await ds.query(`UPDATE auth_sessions SET created_at = now() - interval '1 hour' WHERE user_id = $1`, [therapist.userId]);
    const needsPassword = await api<{ code: string }>(app, 'POST', `${path}/sign`, { token: therapist.token, body: {} });
    expect(needsPassword.status).toBe(403);
    expect(needsPassword.body.code).toBe('password_needed');
    expect((await api(app, 'POST', `${path}/sign`, { token: therapist.token, body: { password: 'wrong-password' } })).status).toBe(403);
    expect((await api(app, 'POST', `${path}/sign`, { token: therapist.token, body: { password: 'hearth-demo' } })).status).toBe(204);

    const edit = await api<{ code: string }>(app, 'PUT', path, { token: therapist.token, body: { ...body, narrative: 'rewritten' } });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('note_signed');
    // The database refuses it too, whoever asks.
    await expect(ds.query(`UPDATE session_notes SET narrative = 'sneaky' WHERE session_id = $1`, [sessionId])).rejects.toThrow(/signed note/);

    expect((await api(app, 'POST', `${path}/cosign`, { token: therapist.token, body: { password: 'hearth-demo' } })).status).toBe(403);
    // The co-therapist signed in moments ago: the sign-in itself attests who co-signs.
    expect((await api(app, 'POST', `${path}/cosign`, { token: tokens.cotherapist, body: {} })).status).toBe(204);
    expect((await api(app, 'POST', `${path}/addenda`, { token: therapist.token, body: { text: '  ' } })).status).toBe(400);
    expect((await api(app, 'POST', `${path}/addenda`, { token: therapist.token, body: { text: 'Called patient after group: safe.' } })).status).toBe(201);

    const record = await api<SessionRecord>(app, 'GET', `/api/sessions/${sessionId}/record`, { token: therapist.token });
    expect(record.body.note).toMatchObject({
      status: 'signed',
      narrative: 'Theme: coping with cravings',
      members: [{ userId: p1.userId, text: 'Engaged; shared a relapse-prevention plan.' }],
      cosignedByUserId: tokens.cotherapistId,
      addenda: [{ text: 'Called patient after group: safe.', authorUserId: therapist.userId }],
    });
    const recent = await api<{ sessionId: string; noteStatus: string }[]>(app, 'GET', '/api/me/records', { token: therapist.token });
    expect(recent.body.find((r) => r.sessionId === sessionId)?.noteStatus).toBe('signed');
    const actions: { action: string }[] = await ds.query(`SELECT DISTINCT action FROM audit_log WHERE object_id = $1`, [sessionId]);
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['note.write', 'note.sign', 'note.cosign', 'note.addendum', 'note.write_refused']));
  });

  it('audits sign-in failures and the safety-check read', async () => {
    expect((await api(app, 'POST', '/api/auth/login', { body: { email: 'patient1@hearth.test', password: 'nope-nope' } })).status).toBe(401);
    expect((await api(app, 'GET', `/api/sessions/${sessionId}/safety-check`, { token: p1.token })).status).toBe(200);
    const rows: { action: string; outcome: string; subject_user_id: string | null }[] = await ds.query(
      `SELECT action, outcome, subject_user_id FROM audit_log WHERE action IN ('auth.sign_in_failed', 'safety_check.read') ORDER BY id`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { action: 'auth.sign_in_failed', outcome: 'failed', subject_user_id: null },
        { action: 'safety_check.read', outcome: 'ok', subject_user_id: p1.userId },
      ]),
    );
  });

  it('keeps the audit chain intact under concurrent writes; refuses UPDATE and DELETE; detects an edited and a deleted row', async () => {
    await Promise.all(Array.from({ length: 12 }, () => api(app, 'GET', `/api/sessions/${sessionId}/record`, { token: therapist.token })));
    expect((await api(app, 'GET', '/api/audit/verify', { token: therapist.token })).status).toBe(403);
    const good = await api<AuditVerifyResult>(app, 'GET', '/api/audit/verify', { token: tokens.admin });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ ok: true });
    if (!good.body.ok) throw new Error('chain should verify');
    expect(good.body.entries).toBeGreaterThan(20);

    await expect(ds.query(`UPDATE audit_log SET purpose = 'x' WHERE id = 3`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_log WHERE id = 3`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);

    // As a superuser could: trigger off, edit a row, trigger on.
    const [{ purpose: original }] = await ds.query(`SELECT purpose FROM audit_log WHERE id = 5`);
    await ds.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete');
    await ds.query(`UPDATE audit_log SET purpose = 'curiosity' WHERE id = 5`);
    await ds.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete');
    expect((await api<AuditVerifyResult>(app, 'GET', '/api/audit/verify', { token: tokens.admin })).body).toMatchObject({ ok: false, firstBrokenId: 5 });

    // Put the edit back (the chain verifies again), then delete a row.
    await ds.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete');
    await ds.query(`UPDATE audit_log SET purpose = $1 WHERE id = 5`, [original]);
    expect((await api<AuditVerifyResult>(app, 'GET', '/api/audit/verify', { token: tokens.admin })).body).toMatchObject({ ok: true });
    await ds.query(`DELETE FROM audit_log WHERE id = 3`);
    await ds.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete');
    expect((await api<AuditVerifyResult>(app, 'GET', '/api/audit/verify', { token: tokens.admin })).body).toMatchObject({ ok: false, firstBrokenId: 4 });
  });

  it('closes a segment left open by a crashed server at its last heartbeat, and a return opens a new one', async () => {
    const [{ id: otherSession }] = await ds.query(`SELECT id FROM sessions WHERE kind = 'individual' ORDER BY starts_at LIMIT 1`);
    const lastBeat = new Date(Date.now() - ATTENDANCE_STALE_MS - 60_000);
    const joined = new Date(lastBeat.getTime() - 10 * 60_000);
    await ds.query(
      `INSERT INTO attendance_segments (session_id, user_id, joined_at, left_at, last_seen_at, recorder_id) VALUES ($1, $2, $3, NULL, $4, 'dead-process')`,
      [otherSession, p1.userId, joined, lastBeat],
    );
    const recorder = app.app.get(AttendanceRecorder);
    await recorder.heartbeat();
    const [closed] = await ds.query(`SELECT left_at, end_reason FROM attendance_segments WHERE recorder_id = 'dead-process'`);
    expect(new Date(closed.left_at).getTime()).toBe(lastBeat.getTime());
    expect(closed.end_reason).toBe('crashed');

    // A fresh orphan (the process died seconds ago): the person's return closes it at its heartbeat and opens a new segment.
    const recent = new Date(Date.now() - 5_000);
    await ds.query(
      `INSERT INTO attendance_segments (session_id, user_id, joined_at, left_at, last_seen_at, recorder_id) VALUES ($1, $2, $3, NULL, $3, 'dead-process-2')`,
      [otherSession, p1.userId, recent],
    );
    await recorder.open(otherSession, p1.userId, new Date());
    const rows: { left_at: Date | null; recorder_id: string }[] = await ds.query(
      `SELECT left_at, recorder_id FROM attendance_segments WHERE session_id = $1 AND user_id = $2 ORDER BY joined_at`,
      [otherSession, p1.userId],
    );
    expect(rows.map((r) => [r.recorder_id, r.left_at === null ? 'open' : new Date(r.left_at).getTime()])).toEqual([
      ['dead-process', lastBeat.getTime()],
      ['dead-process-2', recent.getTime()],
      [recorder.recorderId, 'open'],
    ]);
  });
});

