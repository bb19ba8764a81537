import type { CheckinInfo } from '@hearth/protocol';
import { admittedGroup, ok, type Group } from '../helpers/facilitation';
import { eventually } from '../helpers/eventually';
import { request as send } from '../helpers/socket';
import { DB_KINDS } from '../helpers/test-db';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(180_000);

/** Ending a session leaves no record open: the check-in round closes, crisis side rooms are marked returned. */
describe.each(DB_KINDS)('ending a session closes its open records — %s', (kind) => {
  let app: TestApp;
  let g: Group;

  beforeAll(async () => {
    app = await startTestApp(kind);
    g = await admittedGroup(app, 2);
  });
  afterAll(async () => {
    g?.everyone.forEach((p) => p.socket.close());
    await app?.stop();
  });

  it('closes the open check-in and returns the side room when the therapist ends the session', async () => {
    const [p1] = g.patients;
    const checkin = ok<CheckinInfo>(await request('checkin:open', { sessionId: g.sessionId }));
    ok(await request('crisis:moveToSideRoom', { sessionId: g.sessionId, userId: p1!.userId }));
    ok(await request('room:end', { sessionId: g.sessionId }));

    const [round] = await eventually(async () => {
      const rows: { closed_at: Date | null; closed_by: string | null }[] = await app.dataSource.query(
        'SELECT closed_at, closed_by FROM checkins WHERE id = $1 AND closed_at IS NOT NULL',
        [checkin.id],
      );
      return rows.length ? rows : null;
    }, 15_000, 'the check-in to close');
    expect(round!.closed_by).toBe(g.therapist.userId);

    const [sideRoom] = await eventually(async () => {
      const rows: { returned_at: Date | null; returned_by: string | null }[] = await app.dataSource.query(
        'SELECT returned_at, returned_by FROM crisis_events WHERE session_id = $1 AND user_id = $2 AND returned_at IS NOT NULL',
        [g.sessionId, p1!.userId],
      );
      return rows.length ? rows : null;
    }, 15_000, 'the side room to be marked returned');
    expect(sideRoom!.returned_by).toBe(g.therapist.userId);
  });

  const request = (event: string, payload: unknown) => send(g.therapist.socket, event, payload);
});
