import type { ServerToClientEvents } from '@hearth/protocol';
import { CONSENT_VERSION } from '@hearth/protocol';
import { api, login, type TestApp } from './test-app';
import { connectSocket, type TestSocket } from './socket';

export const SAFETY = { location: '12 Elm St, Phoenix AZ (home)', callbackNumber: '+1 602 555 0101' };
export const CONSENT = { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true as const };

export interface Person {
  email: string;
  userId: string;
  token: string;
  socket: TestSocket;
}

export async function connectAs(app: TestApp, email: string): Promise<Person> {
  const { accessToken, user } = await login(app, email);
  const socket = await connectSocket(app.baseUrl, { token: accessToken });
  return { email, userId: user.id, token: accessToken, socket };
}

/** The demo group session in progress (TEST-CONTRACT demo data). */
export async function inProgressGroupSession(app: { baseUrl: string }, token: string): Promise<string> {
  const res = await api<{ id: string; kind: string; startsAt: string; endsAt: string }[]>(app, 'GET', '/api/me/sessions', { token });
  const now = Date.now();
  const s = res.body.find((x) => x.kind === 'group' && Date.parse(x.startsAt) <= now && Date.parse(x.endsAt) > now);
  if (!s) throw new Error(`no group session in progress: ${JSON.stringify(res.body)}`);
  return s.id;
}

/** Resolves with the next payload of `event` (optionally matching a predicate). */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  match: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const s = socket as unknown as { on(e: string, h: (p: unknown) => void): void; off(e: string, h: (p: unknown) => void): void };
    const timer = setTimeout(() => {
      s.off(event, handler);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const handler = (p: unknown) => {
      const payload = p as Parameters<ServerToClientEvents[E]>[0];
      if (!match(payload)) return;
      clearTimeout(timer);
      s.off(event, handler);
      resolve(payload);
    };
    s.on(event, handler);
  });
}

/** Records every payload of `event` for later assertions. */
export function collect<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  (socket as unknown as { on(e: string, h: (p: unknown) => void): void }).on(event, (p) =>
    seen.push(p as Parameters<ServerToClientEvents[E]>[0]),
  );
  return seen;
}

/** RTP parameters a browser would send for an opus microphone track. */
export function opusSendParameters(ssrc: number) {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1 },
        rtcpFeedback: [],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}
