import { addGuests, buildCast, CALLERS, type Caller, type Cast, type Guests } from '../helpers/cast';
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

/**
 * Family guests × every route the server registers (scheduling's included),
 * generated from Express's route list: a guest's scoped sign-in is refused
 * (403) everywhere except the routes listed here, so a new route is checked
 * with a guest the day it lands, and one that lets guests in needs a row.
 * `guest` names its own family session in `:sessionId`, `otherGuest` the group.
 */
const GUEST_ROUTES: Record<string, { guest: number; otherGuest: number } | 'public'> = {
  'GET /api/auth/me': { guest: 200, otherGuest: 200 },
  'POST /api/auth/logout': { guest: 204, otherGuest: 204 }, // ends the guest's own sign-in: run last
  'POST /api/auth/login': 'public',
  'POST /api/auth/refresh': 'public',
  'GET /api/health': 'public',
  'GET /api/calendar/:file': 'public', // the feed's token is in the file name
  'POST /api/guest-links/redeem': 'public',
};

function registeredRoutes(app: TestApp): string[] {
  const router = (app.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router;
  // `/{*path}` layers are middleware Nest mounts on every path (the access log of nestjs-pino), not routes.
  return router.stack
    .filter((l) => l.route && l.route.path !== '/{*path}')
    .flatMap((l) => Object.keys(l.route!.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${l.route!.path}`));
}

/** A concrete path for a route pattern: the given session, a made-up id for every other parameter. */
function concrete(route: string, sessionId: string): string {
  return route
    .split(' ')[1]!
    .replace(':sessionId', sessionId)
    .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-00000000000a');
}

describe('HTTP authorization matrix: routes outside scheduling × every caller (PostgreSQL)', () => {
  let app: TestApp;
  let cast: Cast;
  let guests: Guests;
  let calls = 0;
  let guestCalls = 0;
  const started = Date.now();

  beforeAll(async () => {
    app = await startTestApp('postgres');
    cast = await buildCast(app);
    guests = await addGuests(app, cast);
    const list = await api<{ id: string }[]>(app, 'GET', '/api/roleplay/scenarios', { token: cast.therapist.token });
    scenarioId = list.body[0]!.id;
  });
  afterAll(async () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (calls) process.stdout.write(`http authz matrix: ${calls} calls over ${Object.keys(ROWS).length} routes × ${WHO.length} callers, ${guestCalls} guest calls over every registered route × 2 guests, in ${seconds} s\n`);
    const people = [...Object.values(cast?.callers ?? {}), cast?.therapist, cast?.bystander, ...Object.values(guests?.guests ?? {}), guests?.familyTherapist];
    for (const p of people) p?.socket.close();
    await app?.stop();
  });

  it('covers every route the server registers (here or in scheduling-authz.test.ts)', () => {
    const routes = registeredRoutes(app);
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

  it("refuses a family guest's sign-in on every route but its own few, for its session and any other", async () => {
    const routes = registeredRoutes(app).filter((r) => GUEST_ROUTES[r] !== 'public');
    // Logging out ends the sign-in: last.
    routes.sort((a, b) => Number(a === 'POST /api/auth/logout') - Number(b === 'POST /api/auth/logout'));
    const seen: Record<string, { guest: number; otherGuest: number }> = {};
    const expected: Record<string, { guest: number; otherGuest: number }> = {};
    for (const route of routes) {
      const method = route.split(' ')[0]!;
      const row = GUEST_ROUTES[route];
      expected[route] = row && row !== 'public' ? row : { guest: 403, otherGuest: 403 };
      const call = async (who: 'guest' | 'otherGuest', sessionId: string) => {
        guestCalls++;
        const res = await api(app, method, concrete(route, sessionId), { token: guests.guests[who].token, body: method === 'GET' ? undefined : {} });
        return res.status;
      };
      seen[route] = { guest: await call('guest', guests.familySessionId), otherGuest: await call('otherGuest', cast.sessionId) };
    }
    expect(Object.keys(seen).length).toBeGreaterThan(40);
    expect(seen).toEqual(expected);
  });

  async function freshToken(who: Caller): Promise<string> {
    const email = cast.callers[who].email;
    const password = email.endsWith('@hearth.test') ? 'hearth-demo' : 'a-long-test-password';
    const res = await api<{ accessToken: string }>(app, 'POST', '/api/auth/login', { body: { email, password } });
    return res.body.accessToken;
  }
});
