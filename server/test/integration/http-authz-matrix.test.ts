import { buildCast, CALLERS, type Caller, type Cast } from '../helpers/cast';
import { api, startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(300_000);

/**
 * The HTTP routes outside scheduling × every kind of caller (scheduling's
 * routes have their own matrix: scheduling-authz.test.ts). The first test
 * lists every route the server registers and fails on one that neither
 * matrix covers, so a new route needs a row.
 */
type Who = Caller | 'badToken';
const WHO: Who[] = [...CALLERS, 'badToken'];

/** Prefixes whose every route is in scheduling-authz.test.ts. */
const SCHEDULING_PREFIXES = ['/api/admin/', '/api/programs', '/api/cohorts', '/api/me/', '/api/calendar/', '/api/sessions'];

interface Row {
  method: string;
  path: (c: Cast) => string;
  body?: unknown;
  expect: Record<Who, number>;
  /** What a successful caller must (not) get. */
  check?: (who: Who, body: unknown, c: Cast) => void;
}

function statuses(named: Partial<Record<Who, number>>, rest: number): Record<Who, number> {
  return Object.fromEntries(WHO.map((w) => [w, w === 'badToken' ? 401 : (named[w] ?? rest)])) as Record<Who, number>;
}

/** Keyed by the route as Express registers it. */
const ROWS: Record<string, Row | 'public'> = {
  'POST /api/auth/login': 'public',
  'POST /api/auth/refresh': 'public',
  'GET /api/health': 'public',
  'GET /api/auth/me': { method: 'GET', path: () => '/api/auth/me', expect: statuses({}, 200) },
  'POST /api/auth/logout': { method: 'POST', path: () => '/api/auth/logout', expect: statuses({}, 204) },
  // Only one's own safety check, never anyone else's: the patient who did one, 404 for the rest.
  'GET /api/sessions/:sessionId/safety-check': {
    method: 'GET',
    path: (c) => `/api/sessions/${c.sessionId}/safety-check`,
    expect: statuses({ patient: 200, waiting: 200 }, 404),
    check: (_who, body, c) => expect(JSON.stringify(body)).not.toContain(c.plantedBystander),
  },
  'GET /api/roleplay/scenarios': { method: 'GET', path: () => '/api/roleplay/scenarios', expect: statuses({ patient: 403, waiting: 403, otherPatient: 403 }, 200) },
  'GET /api/roleplay/scenarios/:scenarioId': {
    method: 'GET',
    path: () => `/api/roleplay/scenarios/${scenarioId}`,
    expect: statuses({ patient: 403, waiting: 403, otherPatient: 403 }, 200),
  },
  // An empty body: allowed callers reach validation (400), the others are refused first (403).
  'POST /api/roleplay/scenarios': { method: 'POST', path: () => '/api/roleplay/scenarios', body: {}, expect: statuses({ patient: 403, waiting: 403, otherPatient: 403 }, 400) },
  'PATCH /api/roleplay/scenarios/:scenarioId': {
    method: 'PATCH',
    path: () => `/api/roleplay/scenarios/${scenarioId}`,
    body: { title: '' },
    expect: statuses({ patient: 403, waiting: 403, otherPatient: 403 }, 400),
  },
  // The audit log: program admins only.
  'GET /api/audit': { method: 'GET', path: () => '/api/audit', expect: statuses({ admin: 200 }, 403) },
  'GET /api/audit/verify': { method: 'GET', path: () => '/api/audit/verify', expect: statuses({ admin: 200 }, 403) },
  'GET /api/audit/export.csv': { method: 'GET', path: () => '/api/audit/export.csv', expect: statuses({ admin: 200 }, 403) },
  // A family guest's consent: only the patient the invitation names (none here) — everyone is refused.
  'POST /api/guest-invites/:inviteId/consent': {
    method: 'POST',
    path: () => '/api/guest-invites/00000000-0000-4000-8000-000000000001/consent',
    body: { decision: 'approve' },
    expect: statuses({}, 403),
  },
  // No account: the link's token is the credential (guests.test.ts covers its refusals).
  'POST /api/guest-links/redeem': 'public',
};
let scenarioId = '';

describe('HTTP authorization matrix: routes outside scheduling × every caller (PostgreSQL)', () => {
  let app: TestApp;
  let cast: Cast;
  let calls = 0;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    cast = await buildCast(app);
    const list = await api<{ id: string }[]>(app, 'GET', '/api/roleplay/scenarios', { token: cast.therapist.token });
    scenarioId = list.body[0]!.id;
  });
  afterAll(async () => {
    if (calls) process.stdout.write(`http authz matrix: ${calls} calls over ${Object.keys(ROWS).length} routes × ${WHO.length} callers\n`);
    for (const p of [...Object.values(cast?.callers ?? {}), cast?.therapist, cast?.bystander]) p?.socket.close();
    await app?.stop();
  });

  it('covers every route the server registers (here or in scheduling-authz.test.ts)', () => {
    const router = (app.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router;
    const routes = router.stack
      .filter((l) => l.route)
      .flatMap((l) => Object.keys(l.route!.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${l.route!.path}`));
    expect(routes.length).toBeGreaterThan(20);
    const uncovered = routes.filter((r) => !ROWS[r] && !SCHEDULING_PREFIXES.some((p) => r.split(' ')[1]!.startsWith(p)));
    expect(uncovered).toEqual([]);
  });

  const rows = Object.entries(ROWS).filter((e): e is [string, Row] => e[1] !== 'public');
  it.each(rows.map(([name]) => name))('%s', async (name) => {
    const row = ROWS[name] as Row;
    const seen: Record<string, number> = {};
    for (const who of WHO) {
      // Logging out ends the caller's sign-in: use a fresh one.
      const token = who === 'badToken' ? 'not-a-token' : name === 'POST /api/auth/logout' ? await freshToken(who) : cast.callers[who].token;
      const res = await api(app, row.method, row.path(cast), { token, body: row.body });
      calls++;
      seen[who] = res.status;
      if (res.status < 300) row.check?.(who, res.body, cast);
    }
    expect(seen).toEqual(row.expect);
  });

  async function freshToken(who: Caller): Promise<string> {
    const email = cast.callers[who].email;
    const password = email.endsWith('@hearth.test') ? 'hearth-demo' : 'a-long-test-password';
    const res = await api<{ accessToken: string }>(app, 'POST', '/api/auth/login', { body: { email, password } });
    return res.body.accessToken;
  }
});
