import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { Consent, MySafetyCheck, SafetyCheck } from '@hearth/protocol';
import { ChatClient } from '../../facilitation/ChatClient';
import { Facilitation } from '../../facilitation/Facilitation';
import { RoomClient } from '../../media/RoomClient';
import { initialRoomState, type RoomState } from '../../media/roomState';
import { apiRequest } from '../../realtime/api';
import { createSocket } from '../../realtime/socket';
import { holdActivity } from '../auth/activityHold';
import { useAuth } from '../auth/AuthProvider';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { RoomView, type RoomActions } from '../room/RoomView';
import { scheduleRoomRehearsal } from '../room/rehearseRoom';
import { pickScreen } from '../screenshare/ScreenShare';
import { formatSessionRange } from '../calendar/zonedTime';
import type { LeftSessionState } from '../schedule/LeftSessionNotice';
import { mySessionsResponseSchema } from '../schedule/mySessions';
import { PreJoin } from './PreJoin';
import type { SafetyDraft } from './safetyForm';
import { useLocalMedia } from './useLocalMedia';

declare global {
  interface Window {
    /** The page's RoomClient, for diagnostics and browser tests (getInboundStats, socket). */
    __hearthRoom?: RoomClient;
  }
}

const noopSubscribe = () => () => undefined;
const idleSnapshot = () => initialRoomState;

export function titleFor(state: RoomState): string {
  switch (state.phase) {
    case 'waiting':
    case 'removed':
      return 'Waiting room';
    case 'in-room': {
      // Therapists see people waiting in the tab title, even from another tab.
      const waiting = state.selfRole === 'therapist' ? state.lobby.length : 0;
      const title = state.session?.title ?? 'Live session';
      return waiting ? `(${waiting} waiting) ${title}` : title;
    }
    case 'ended':
      return 'Session ended';
    default:
      return 'Join session';
  }
}

/**
 * /sessions/:sessionId/join: pre-join checks, then the live session. One socket
 * and one RoomClient per page, made when the page opens (the socket is warm by the
 * time the user enters) and closed when the page goes.
 */
export function JoinSessionPage() {
  const { sessionId = '' } = useParams();
  const { accessToken, user } = useAuth();
  const navigate = useNavigate();
  const media = useLocalMedia();
  const [client, setClient] = useState<RoomClient | null>(null);
  const clientRef = useRef<RoomClient | null>(null);
  const [facilitation, setFacilitation] = useState<Facilitation | null>(null);
  /** A family guest's group chat (their only group tool). */
  const [guestChat, setGuestChat] = useState<ChatClient | null>(null);
  const guestChatRef = useRef<ChatClient | null>(null);
  const facilitationRef = useRef<Facilitation | null>(null);
  const tokenRef = useRef(accessToken);
  tokenRef.current = accessToken;
  const [joinError, setJoinError] = useState<string | null>(null);
  // What the patient typed survives the form being hidden and shown again (a failed join).
  const draftRef = useRef<SafetyDraft | undefined>(undefined);
  const keepDraft = useCallback((d: SafetyDraft) => {
    draftRef.current = d;
  }, []);
  const [session, setSession] = useState<{ title: string; when: string } | null>(null);

  const state = useSyncExternalStore(client?.subscribe ?? noopSubscribe, client?.getSnapshot ?? idleSnapshot);
  useDocumentTitle(titleFor(state));

  // The session's name and time for the pre-join page; a nicety, so failures are quiet.
  useEffect(() => {
    if (!accessToken || user?.role === 'family') return;
    const controller = new AbortController();
    apiRequest<unknown>('/api/me/sessions', { token: accessToken, signal: controller.signal })
      .then((body) => {
        const parsed = mySessionsResponseSchema.safeParse(body);
        const found = parsed.success ? parsed.data.find((s) => s.id === sessionId) : undefined;
        if (found) {
          // Always with the zone named: the patient is about to join and must know whose clock this is.
          setSession({ title: found.title, when: formatSessionRange(new Date(found.startsAt), new Date(found.endsAt), found.timeZone, { alwaysNameZone: true }) });
        }
      })
      .catch(() => undefined);
    return () => controller.abort();
    // Once per page: a renewed token need not refetch the title.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId]);

  // A patient back on this page mid-session (reload, left and came back) confirms the earlier check pre-filled.
  const [previousCheck, setPreviousCheck] = useState<MySafetyCheck | null>(null);
  useEffect(() => {
    if (!accessToken || user?.role === 'therapist' || user?.role === 'family') return;
    const controller = new AbortController();
    apiRequest<MySafetyCheck>(`/api/sessions/${sessionId}/safety-check`, { token: accessToken, signal: controller.signal })
      .then((check) => setPreviousCheck(check))
      .catch(() => undefined); // 404: none yet this session
    return () => controller.abort();
    // Once per page, like the session title above.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId]);

  // Leaving the page (navigation, sign-out) leaves the room and closes the socket.
  useEffect(
    () => () => {
      facilitationRef.current?.close();
      facilitationRef.current = null;
      guestChatRef.current?.close();
      guestChatRef.current = null;
      const c = clientRef.current;
      if (!c) return;
      clientRef.current = null;
      if (window.__hearthRoom === c) delete window.__hearthRoom;
      const phase = c.state.phase;
      const leaving = phase === 'in-room' || phase === 'waiting' || phase === 'removed' ? c.leave() : Promise.resolve();
      void leaving.finally(() => {
        c.close();
        c.socket.disconnect();
      });
    },
    [],
  );

  // Sitting in a group (or its waiting room) is activity: no idle logoff mid-session.
  const inSession = state.phase === 'in-room' || state.phase === 'waiting';
  useEffect(() => (inSession ? holdActivity() : undefined), [inSession]);

  useEffect(() => {
    if (state.phase !== 'left') return;
    const leftSession: LeftSessionState = { leftSession: { id: sessionId, title: state.session?.title ?? session?.title ?? null } };
    navigate('/', { replace: true, state: leftSession });
    // Only the move to `left` matters; the titles are read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.phase, navigate]);

  // Nothing more to send once the session is over: turn the camera and microphone off.
  const { release } = media;
  useEffect(() => {
    if (state.phase === 'ended') release();
  }, [state.phase, release]);

  /** The page's socket and room client; made when the page opens, so the socket is connected by the time the user enters. */
  const ensureClient = useCallback((): RoomClient => {
    const existing = clientRef.current;
    if (existing) return existing;
    const socket = createSocket({ token: () => tokenRef.current });
    const room = new RoomClient(socket, sessionId);
    clientRef.current = room;
    // A family guest sees and hears the session and takes part in the group chat: no turns, check-ins or crisis tools.
    if (user?.role !== 'family') {
      const f = new Facilitation(socket, sessionId, () => room.state.selfUserId, () => tokenRef.current, room.onEntered);
      facilitationRef.current = f;
      setFacilitation(f);
    } else {
      const chat = new ChatClient(socket, sessionId);
      guestChatRef.current = chat;
      // The chat since they came in, loaded on every entry (admission, back after a reconnect).
      room.onEntered(() => void chat.refresh().catch(() => undefined));
      setGuestChat(chat);
    }
    window.__hearthRoom = room;
    setClient(room);
    return room;
  }, [sessionId, user?.role]);
  // The room's code warmed while the user checks their camera or waits (rehearseRoom.tsx): entering renders it sooner.
  const rehearsalRole = user?.role === 'therapist' ? 'therapist' : 'patient';
  useEffect(() => scheduleRoomRehearsal(rehearsalRole), [rehearsalRole]);
  // Early only where the browser can do media: the point is a loaded Device (and a warm socket) before "enter".
  useEffect(() => {
    if (typeof RTCPeerConnection !== 'undefined') ensureClient();
  }, [ensureClient]);

  const enter = useCallback(
    (details: { safety?: SafetyCheck; consent?: Consent }) => {
      setJoinError(null);
      const c = ensureClient();
      c.setLocalStream(media.stream);
      c.join(details).catch((e: unknown) => {
        setJoinError(e instanceof Error ? e.message : 'We could not join the session. Please try again.');
      });
    },
    [ensureClient, media.stream],
  );

  const actions = useMemo<RoomActions | null>(
    () =>
      client && {
        setMic: (on) => client.setMic(on),
        setCamera: (on) => client.setCamera(on),
        leave: () => client.leave(),
        endSession: () => client.endSession(),
        admit: (ids) => client.admit(ids),
        mute: (id) => client.muteParticipant(id),
        unlockMic: (id) => client.unlockParticipantMic(id),
        remove: (id) => client.removeParticipant(id),
        preferLayer: (id, layer) => void client.setPreferredLayer(id, layer),
        startScreenShare: async () => client.startScreenShare(await pickScreen()),
        stopScreenShare: () => client.stopScreenShare(),
        stopScreenShareOf: (id) => client.stopScreenShareOf(id),
        allowScreenShare: (id, allowed) => client.allowScreenShare(id, allowed),
        setVideoVisible: (id, visible) => void client.setVideoVisible(id, visible),
        muteAll: (lock) => client.muteAll(lock),
        setAudioOnly: (on) => client.setAudioOnly(on),
        dismissAudioOnly: () => client.dismissAudioOnlySuggestion(),
        setNoiseSuppression: (on) => client.setNoiseSuppression(on),
        setBackgroundBlur: (on) => client.setBackgroundBlur(on),
        remoteFrameShown: () => client.remoteFrameShown(),
        react: (reaction) => client.react(reaction),
        setReactionsAllowed: (allowed) => client.setReactionsAllowed(allowed),
      },
    [client],
  );

  const live = state.phase === 'waiting' || state.phase === 'removed' || state.phase === 'in-room' || state.phase === 'ended';
  if (live && actions) {
    return (
      <div className="join-page join-page--live">
        <RoomView
          state={state}
          actions={actions}
          hasMicrophone={media.hasMicrophone}
          hasCamera={media.hasCamera}
          facilitation={facilitation}
          guestChat={guestChat}
        />
      </div>
    );
  }

  return (
    <div className="join-page">
      <PreJoin
        sessionId={sessionId}
        needsSafetyCheck={user?.role !== 'therapist'}
        guest={user?.role === 'family'}
        sessionTitle={state.session?.title ?? session?.title ?? null}
        sessionWhen={session?.when ?? null}
        media={media}
        busy={state.phase === 'joining'}
        error={joinError ?? (state.phase === 'error' ? state.message : null)}
        onEnter={enter}
        previousCheck={previousCheck}
        draft={draftRef.current}
        onDraftChange={keepDraft}
      />
    </div>
  );
}
