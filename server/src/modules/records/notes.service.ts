import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SIGN_WITHOUT_PASSWORD_MINUTES, type AttendanceRow, type NoteMember, type SaveNoteBody, type SessionNote } from '@hearth/protocol';
import type { Principal } from '../auth/auth.service';
import { verifyPassword } from '../auth/password';
import type { SessionForRecords } from './records-access';
import { RecordsError, RecordsErrorCode } from './records.error';

type Raw = Record<string, unknown>;

interface NoteRow {
  narrative: string;
  members: { userId: string; text: string }[];
  status: 'draft' | 'signed';
  version: number;
  updatedAt: Date;
  signedBy: string | null;
  signedAt: Date | null;
  cosignedBy: string | null;
  cosignedAt: Date | null;
}

/**
 * Group (and 1:1) notes: a shared narrative and a field per member present,
 * prefilled from what Hearth knows. Drafts save freely; signing (password
 * re-entered) freezes the note — the database refuses changes too — and
 * after that only dated, attributed addenda are appended. A second therapist
 * of the session may co-sign.
 */
@Injectable()
export class NotesService {
  constructor(private readonly ds: DataSource) {}

  async get(s: SessionForRecords, attendance: readonly AttendanceRow[], viewerId: string): Promise<{ note: SessionNote; canCosign: boolean }> {
    const row = await this.load(this.ds.manager, s.row.id);
    const names = await this.namesOf(s, row ? [row.signedBy, row.cosignedBy] : []);
    const members = this.memberList(s, attendance, row);
    const prefill = row ? null : await this.prefill(s, attendance);
    const addenda: Raw[] = await this.ds.query(
      `SELECT a.id, a.text, a.author_id, a.created_at, u.first_name, u.last_name
         FROM session_note_addenda a JOIN users u ON u.id = a.author_id WHERE a.session_id = $1 ORDER BY a.created_at, a.id`,
      [s.row.id],
    );
    const note: SessionNote = {
      status: row?.status ?? 'draft',
      prefilled: !row,
      narrative: row?.narrative ?? prefill!.narrative,
      members: members.map((m) => ({ ...m, text: row ? (row.members.find((x) => x.userId === m.userId)?.text ?? '') : (prefill!.members.get(m.userId) ?? '') })),
      version: row?.version ?? 0,
      updatedAt: row?.updatedAt.toISOString() ?? null,
      signedByUserId: row?.signedBy ?? null,
      signedByName: row?.signedBy ? (names.get(row.signedBy) ?? null) : null,
      signedAt: row?.signedAt?.toISOString() ?? null,
      cosignedByUserId: row?.cosignedBy ?? null,
      cosignedByName: row?.cosignedBy ? (names.get(row.cosignedBy) ?? null) : null,
      cosignedAt: row?.cosignedAt?.toISOString() ?? null,
      addenda: addenda.map((a) => ({
        id: String(a.id),
        text: String(a.text),
        authorUserId: String(a.author_id),
        authorName: `${String(a.first_name)} ${String(a.last_name)}`,
        at: new Date(a.created_at as string).toISOString(),
      })),
    };
    const canCosign =
      s.access === 'therapist' && !!row && row.status === 'signed' && !row.cosignedBy && row.signedBy !== viewerId;
    return { note, canCosign };
  }

  /** Saves the draft; refused with nothing changed once signed, or when someone saved a newer version meanwhile. */
  async save(p: Principal, s: SessionForRecords, attendance: readonly AttendanceRow[], body: SaveNoteBody, now = new Date()): Promise<void> {
    this.requireTherapist(s);
    const allowed = new Set(this.memberList(s, attendance, null).map((m) => m.userId));
    for (const m of body.members) {
      if (!allowed.has(m.userId)) throw new RecordsError(RecordsErrorCode.NotAMember, 'A member field names someone who is not in this session.');
    }
    await this.ds.transaction(async (m) => {
      const row = await this.load(m, s.row.id, true);
      if (row?.status === 'signed') throw new RecordsError(RecordsErrorCode.NoteSigned, 'This note is signed and can no longer be edited. Add an addendum instead.');
      if (row && body.version !== undefined && body.version !== row.version) {
        throw new RecordsError(RecordsErrorCode.StaleNote, 'Someone else saved this note meanwhile. Reload to see their changes.');
      }
      // Keep fields of members not sent (e.g. someone who joined after the page loaded).
      const merged = new Map((row?.members ?? []).map((x) => [x.userId, x.text]));
      for (const x of body.members) merged.set(x.userId, x.text);
      const members = JSON.stringify([...merged].map(([userId, text]) => ({ userId, text })));
      if (!row) {
        await m.query(
          `INSERT INTO session_notes (session_id, narrative, members, status, version, updated_by, updated_at) VALUES ($1, $2, $3::jsonb, 'draft', 1, $4, $5)
           ON CONFLICT (session_id) DO UPDATE SET narrative = EXCLUDED.narrative, members = EXCLUDED.members,
             version = session_notes.version + 1, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
          [s.row.id, body.narrative, members, p.userId, now],
        );
      } else {
        await m.query(
          `UPDATE session_notes SET narrative = $2, members = $3::jsonb, version = version + 1, updated_by = $4, updated_at = $5 WHERE session_id = $1`,
          [s.row.id, body.narrative, members, p.userId, now],
        );
      }
    });
  }

  /** Signs with the signer's password; a note never saved is signed as prefilled. */
  async sign(p: Principal, s: SessionForRecords, attendance: readonly AttendanceRow[], password: string | undefined, now = new Date()): Promise<void> {
    this.requireTherapist(s);
    await this.checkSigner(p, password, now);
    if (!(await this.load(this.ds.manager, s.row.id))) {
      const prefill = await this.prefill(s, attendance);
      await this.save(p, s, attendance, { narrative: prefill.narrative, members: [...prefill.members].map(([userId, text]) => ({ userId, text })) }, now);
    }
    await this.ds.transaction(async (m) => {
      const row = await this.load(m, s.row.id, true);
      if (row?.status === 'signed') throw new RecordsError(RecordsErrorCode.NoteSigned, 'This note is already signed.');
      await m.query(`UPDATE session_notes SET status = 'signed', signed_by = $2, signed_at = $3 WHERE session_id = $1`, [s.row.id, p.userId, now]);
    });
  }

  async cosign(p: Principal, s: SessionForRecords, password: string | undefined, now = new Date()): Promise<void> {
    this.requireTherapist(s);
    await this.checkSigner(p, password, now);
    await this.ds.transaction(async (m) => {
      const row = await this.load(m, s.row.id, true);
      if (!row || row.status !== 'signed') throw new RecordsError(RecordsErrorCode.NoteNotSigned, 'The note must be signed before it is co-signed.');
      if (row.signedBy === p.userId) throw new RecordsError(RecordsErrorCode.CannotCosignOwn, 'A co-signature comes from another therapist of the session.');
      if (row.cosignedBy) throw new RecordsError(RecordsErrorCode.AlreadyCosigned, 'This note is already co-signed.');
      await m.query('UPDATE session_notes SET cosigned_by = $2, cosigned_at = $3 WHERE session_id = $1', [s.row.id, p.userId, now]);
    });
  }

  /** Appends a dated addendum attributed to the signed-in therapist; only to a signed note. */
  async addAddendum(p: Principal, s: SessionForRecords, text: string, now = new Date()): Promise<string> {
    this.requireTherapist(s);
    const row = await this.load(this.ds.manager, s.row.id);
    if (!row || row.status !== 'signed') throw new RecordsError(RecordsErrorCode.NoteNotSigned, 'Addenda are for signed notes; edit the draft instead.');
    const inserted: Raw[] = await this.ds.query(
      'INSERT INTO session_note_addenda (session_id, text, author_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [s.row.id, text.trim(), p.userId, now],
    );
    return String(inserted[0]!.id);
  }

  /** Note states of sessions (for the therapist's list). */
  async statuses(sessionIds: readonly string[]): Promise<Map<string, 'draft' | 'signed'>> {
    if (sessionIds.length === 0) return new Map();
    const rows: Raw[] = await this.ds.query('SELECT session_id, status FROM session_notes WHERE session_id = ANY($1::uuid[])', [sessionIds]);
    return new Map(rows.map((r) => [String(r.session_id), r.status as 'draft' | 'signed']));
  }

  // -------------------------------------------------------------------------

  /** Patients (and guests) who were in the room, plus anyone the saved note already has a field for. */
  private memberList(s: SessionForRecords, attendance: readonly AttendanceRow[], row: NoteRow | null): Omit<NoteMember, 'text'>[] {
    const saved = new Set(row?.members.map((m) => m.userId) ?? []);
    return attendance
      .filter((a) => a.role !== 'therapist' && (a.segments > 0 || saved.has(a.userId) || s.row.kind === 'individual'))
      .map((a) => ({ userId: a.userId, name: a.name }));
  }

  private async prefill(s: SessionForRecords, attendance: readonly AttendanceRow[]): Promise<{ narrative: string; members: Map<string, string> }> {
    const checkins: Raw[] = await this.ds.query(
      `SELECT DISTINCT ON (user_id) user_id, mood, craving, word FROM checkin_answers WHERE session_id = $1 ORDER BY user_id, submitted_at DESC`,
      [s.row.id],
    );
    const crises: Raw[] = await this.ds.query('SELECT user_id, count(*)::int AS n FROM crisis_events WHERE session_id = $1 GROUP BY user_id', [s.row.id]);
    const checkinOf = new Map(checkins.map((c) => [String(c.user_id), c]));
    const crisisOf = new Map(crises.map((c) => [String(c.user_id), Number(c.n)]));
    const members = new Map<string, string>();
    for (const a of attendance) {
      if (a.role === 'therapist') continue;
      const facts = [`Attended ${a.minutes} min${a.lateMinutes ? `, arrived ${a.lateMinutes} min late` : ''}${a.leftEarlyMinutes ? `, left ${a.leftEarlyMinutes} min early` : ''}.`];
      const c = checkinOf.get(a.userId);
      if (c) facts.push(`Check-in: mood ${Number(c.mood)}/10, craving ${Number(c.craving)}/10${c.word ? ` (“${String(c.word)}”)` : ''}.`);
      const n = crisisOf.get(a.userId);
      if (n) facts.push(`Crisis alert raised in session (${n}).`);
      facts.push('Participation: \nPresentation: \nRisk: \nProgress: ');
      members.set(a.userId, facts.join('\n'));
    }
    const theme = s.row.theme ? `Theme: ${s.row.theme}\n` : 'Theme: \n';
    return { narrative: `${theme}Interventions: \n`, members };
  }

  private requireTherapist(s: SessionForRecords): void {
    if (s.access !== 'therapist') throw new RecordsError(RecordsErrorCode.Forbidden, 'Only the session’s therapists write and sign its note.');
  }

  /**
   * The signer proves who they are: the password re-entered, or a password
   * sign-in (this very sign-in, not a refresh of an old one) recent enough.
   */
  private async checkSigner(p: Principal, password: string | undefined, now: Date): Promise<void> {
    if (password !== undefined) return this.checkPassword(p.userId, password);
    const rows: Raw[] = await this.ds.query('SELECT created_at FROM auth_sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL', [p.sessionId, p.userId]);
    const signedInAt = rows[0] ? new Date(rows[0].created_at as string).getTime() : 0;
    if (now.getTime() - signedInAt > SIGN_WITHOUT_PASSWORD_MINUTES * 60_000) {
      throw new RecordsError(RecordsErrorCode.PasswordNeeded, 'Re-enter your password to sign.');
    }
  }

  private async checkPassword(userId: string, password: string): Promise<void> {
    const rows: Raw[] = await this.ds.query('SELECT password_hash FROM users WHERE id = $1', [userId]);
    if (!rows[0] || !(await verifyPassword(String(rows[0].password_hash), password))) {
      throw new RecordsError(RecordsErrorCode.WrongPassword, 'That password is not right. Re-enter your password to sign.');
    }
  }

  private async namesOf(s: SessionForRecords, ids: (string | null)[]): Promise<Map<string, string>> {
    const out = new Map(s.people.map((x) => [x.userId, `${x.firstName} ${x.lastName}`]));
    const missing = ids.filter((id): id is string => !!id && !out.has(id));
    if (missing.length) {
      const rows: Raw[] = await this.ds.query('SELECT id, first_name, last_name FROM users WHERE id = ANY($1::uuid[])', [missing]);
      for (const r of rows) out.set(String(r.id), `${String(r.first_name)} ${String(r.last_name)}`);
    }
    return out;
  }

  private async load(m: EntityManager, sessionId: string, forUpdate = false): Promise<NoteRow | null> {
    const rows: Raw[] = await m.query(`SELECT * FROM session_notes WHERE session_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [sessionId]);
    const r = rows[0];
    if (!r) return null;
    const d = (v: unknown) => (v ? new Date(v as string) : null);
    const members = typeof r.members === 'string' ? (JSON.parse(r.members) as NoteRow['members']) : (r.members as NoteRow['members']);
    return {
      narrative: String(r.narrative),
      members,
      status: r.status as NoteRow['status'],
      version: Number(r.version),
      updatedAt: new Date(r.updated_at as string),
      signedBy: (r.signed_by as string | null) ?? null,
      signedAt: d(r.signed_at),
      cosignedBy: (r.cosigned_by as string | null) ?? null,
      cosignedAt: d(r.cosigned_at),
    };
  }
}
