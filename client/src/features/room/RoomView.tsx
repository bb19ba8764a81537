import { memo, useCallback, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { MIC_HOLD_NOTES, micHold, type MicHold, type MuteAllResult, type ParticipantView, type Reaction } from '@hearth/protocol';
import type { ChatClient } from '../../facilitation/ChatClient';
import type { Facilitation } from '../../facilitation/Facilitation';
import { initialCheckinState, type CheckinState } from '../../facilitation/CheckinClient';
import { initialCrisisState, type CrisisState } from '../../facilitation/CrisisClient';
import { initialFloorState, type FloorState } from '../../facilitation/FloorClient';
import { breakoutOf, initialRoleplayState, spotlightFirst, type RoleplayClientState } from '../../facilitation/RoleplayClient';
import { errorMessage } from '../../facilitation/Store';
import type { RoomState } from '../../media/roomState';
import { ChatPanel } from '../chat/ChatPanel';
import { CheckinForm } from '../checkins/CheckinForm';
import { CheckinPanel } from '../checkins/CheckinPanel';
import { useArrivalChime } from '../crisis/alertChime';
import { CrisisAlerts } from '../crisis/CrisisAlerts';
import { CrisisButton, CrisisStatus } from '../crisis/CrisisButton';
import { TherapistAwayBanner } from '../crisis/TherapistAwayBanner';
import { FloorPanel } from '../turns/FloorPanel';
import { GuestInvitePanel } from '../guests/GuestInvitePanel';
import { ScreenAudio, ScreenShareButton, ScreenSharePanel, ScreenStage, SharingBanner } from '../screenshare/ScreenShare';
import { DebriefOverlay } from '../roleplay/DebriefOverlay';
import { RoleplayPanel } from '../roleplay/RoleplayPanel';
import { useNow } from '../schedule/useNow';
import { ControlsBar, type HandControl } from './ControlsBar';
import { gridLayout, layerForTile, NARROW_WIDTH } from './gridLayout';
import { LobbyPanel } from './LobbyPanel';
import { LobbyWaiting } from './LobbyWaiting';
import { resumeRemoteAudio } from './mediaElements';
import { scrollWithin } from './scrollWithin';
import { ParticipantTile } from './ParticipantTile';
import { SessionEnded } from './SessionEnded';
import { useArrivalsAnnouncement } from './useArrivalsAnnouncement';
import { useReactionsAnnouncement } from './useReactionsAnnouncement';
import { arrivalShouldSound, tabFocused, useArrivalChimeMuted, useInView } from './waitingRoomAlert';
import { useElementSize } from './useElementSize';
import { useMediaFirst } from './useMediaFirst';
import { useFocusOnMount } from './useFocusOnMount';
import { MuteAllIcon } from './icons';
import './roomtools.css';
import './roomlayout.css';
import { MoreMenu, type MoreAction, type MoreToggle } from './MoreMenu';
import { featuredLayer, featuredUserId, STRIP_LAYER, storedViewMode, storeViewMode, type ViewMode } from './viewLayout';

// The room re-renders on every change of its state (a speaking ring, a video arriving, someone
// joining). Tiles and side panels re-render only when their own inputs change: a new speaker
// redraws two tiles, not every tile and the chat's history.
const Tile = memo(ParticipantTile);
const Chat = memo(ChatPanel);
const Floor = memo(FloorPanel);
const Checkins = memo(CheckinPanel);
const Checkin = memo(CheckinForm);
const Roleplay = memo(RoleplayPanel);
const Crises = memo(CrisisAlerts);
const Lobby = memo(LobbyPanel);
const ScreenShares = memo(ScreenSharePanel);

/** What the room can ask for; the page wires these to its RoomClient. */
export interface RoomActions {
  setMic(on: boolean): Promise<void>;
  setCamera(on: boolean): Promise<void>;
  leave(): Promise<void>;
  endSession(): Promise<void>;
  admit(userIds: string[] | 'all'): Promise<unknown>;
  mute(userId: string): Promise<void>;
  unlockMic(userId: string): Promise<void>;
  remove(userId: string): Promise<void>;
  preferLayer(userId: string, layer: number): void;
  /** Screen sharing (absent: the room offers none). */
  startScreenShare?(): Promise<void>;
  stopScreenShare?(): Promise<void>;
  stopScreenShareOf?(userId: string): Promise<void>;
  allowScreenShare?(userId: string, allowed: boolean): Promise<void>;
  /** A remote tile on screen (and the tab visible) or not: its video is forwarded only when seen. */
  setVideoVisible?(userId: string, visible: boolean): void;
  /** Therapist: every patient's microphone off (`lock`: they cannot unmute). */
  muteAll?(lock: boolean): Promise<MuteAllResult>;
  /** Audio only (no incoming video, own camera off), and "not now" to the automatic offer. */
  setAudioOnly?(on: boolean): Promise<void>;
  dismissAudioOnly?(): void;
  /** The browser's noise suppression on our microphone. */
  setNoiseSuppression?(on: boolean): Promise<void>;
  /** Background blur on our camera (offered when `state.blurAvailable`). */
  setBackgroundBlur?(on: boolean): Promise<void>;
  /** A remote video's first frame is on screen (our own sending waits for the first one). */
  remoteFrameShown?(): void;
  /** A silent reaction to the group (absent: the room offers none). */
  react?(reaction: Reaction): Promise<void>;
  /** Therapist: reactions on or off for everyone. */
  setReactionsAllowed?(allowed: boolean): Promise<void>;
}

/** What a mute all did, in a few words ("8 muted"). */
export function muteAllSummary(r: MuteAllResult): string {
  const n = r.muted.length;
  if (n === 0) return r.alreadyMuted > 0 ? 'Everyone was already muted.' : 'No patients to mute.';
  const done = r.locked ? `${n} muted and locked` : `${n} muted`;
  return r.alreadyMuted > 0 ? `${done} (${r.alreadyMuted} already muted).` : `${done}.`;
}

/** The last person other than us who spoke (speaker view keeps them large through a pause). */
function useLastSpeaker(activeSpeakerUserId: string | null, selfUserId: string | null): string | null {
  const [last, setLast] = useState<string | null>(null);
  useEffect(() => {
    if (activeSpeakerUserId && activeSpeakerUserId !== selfUserId) setLast(activeSpeakerUserId);
  }, [activeSpeakerUserId, selfUserId]);
  return last;
}

/** Like useElementSize, for an element that comes and goes (a callback ref). */
function useSizeOf(el: HTMLElement | null): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      setSize((prev) => (Math.round(prev.width) === Math.round(width) && Math.round(prev.height) === Math.round(height) ? prev : { width, height }));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return size;
}

export interface RoomViewProps {
  state: RoomState;
  actions: RoomActions;
  hasMicrophone: boolean;
  hasCamera: boolean;
  /** Chat, turns, check-ins and crisis of this session (the page owns it; absent in bare room tests). */
  facilitation?: Facilitation | null;
  /** A family guest's group chat (guests get no other group tools). */
  guestChat?: ChatClient | null;
}

interface Subscribable<S> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): S;
}
const noSubscribe = () => () => undefined;
const idleFloor = () => initialFloorState;
const idleCrisis = () => initialCrisisState;
const idleCheckins = () => initialCheckinState;
const idleRoleplay = () => initialRoleplayState;

function useFloor(store: Subscribable<FloorState> | undefined): FloorState {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? idleFloor);
}
function useCheckins(store: Subscribable<CheckinState> | undefined): CheckinState {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? idleCheckins);
}
function useRoleplay(store: Subscribable<RoleplayClientState> | undefined): RoleplayClientState {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? idleRoleplay);
}
function useCrisis(store: Subscribable<CrisisState> | undefined): CrisisState {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? idleCrisis);
}

/** The live session after pre-join: waiting room, the room itself, or the end. */
export function RoomView({ state, actions, hasMicrophone, hasCamera, facilitation, guestChat }: RoomViewProps) {
  const [leaving, setLeaving] = useState(false);
  const leave = useCallback(() => {
    setLeaving(true);
    void actions.leave().finally(() => setLeaving(false));
  }, [actions]);

  switch (state.phase) {
    case 'waiting':
    case 'removed':
      return (
        <LobbyWaiting
          sessionTitle={state.session?.title ?? null}
          position={state.lobbyPosition}
          message={state.message}
          connection={state.connection}
          leaving={leaving}
          onLeave={leave}
        >
          {facilitation && state.selfRole !== 'therapist' && (
            <div className="lobby__crisis">
              <CrisisButton crisis={facilitation.crisis} />
              <CrisisStatus crisis={facilitation.crisis} nameOf={() => 'your therapist'} />
            </div>
          )}
        </LobbyWaiting>
      );
    case 'in-room':
      return (
        <RoomStage state={state} actions={actions} hasMicrophone={hasMicrophone} hasCamera={hasCamera} facilitation={facilitation} guestChat={guestChat} />
      );
    case 'ended':
      return <SessionEnded sessionTitle={state.session?.title ?? null} recordSessionId={state.selfRole === 'therapist' ? state.session?.id : undefined} />;
    default:
      return null;
  }
}

/** Self first, then therapists, then everyone else in the order they arrived. */
export function orderTiles(participants: ParticipantView[], selfUserId: string | null): ParticipantView[] {
  const rank = (p: ParticipantView) => (p.userId === selfUserId ? 0 : p.role === 'therapist' ? 1 : 2);
  return participants
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

function RoomStage({ state, actions, hasMicrophone, hasCamera, facilitation, guestChat }: RoomViewProps) {
  const titleId = useId();
  const isTherapist = state.selfRole === 'therapist';
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState({ mic: false, camera: false, admit: false, end: false, screen: false });
  const [audioBlocked, setAudioBlocked] = useState(false);
  const gridRef = useRef<HTMLUListElement>(null);
  const size = useElementSize(gridRef);
  // Videos first, then the side column (see useMediaFirst).
  const sideReady = useMediaFirst(
    gridRef,
    state.participants.some((p) => p.userId !== state.selfUserId && p.cameraOn),
  );
  const now = useNow(30_000);
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const arrivals = useArrivalsAnnouncement(state.participants, state.selfUserId);
  const reactionNews = useReactionsAnnouncement(state.reactions, state.participants, state.selfUserId);
  // Waiting room: a chime per arrival, unless switched off or the list is already in front of the therapist.
  const [chimeMuted, setChimeMuted] = useArrivalChimeMuted();
  const lobbyRef = useRef<HTMLElement>(null);
  const lobbyInView = useInView(lobbyRef);
  useArrivalChime(state.lobby.map((e) => e.userId), isTherapist, undefined, () =>
    !arrivalShouldSound({ muted: chimeMuted, tabFocused: tabFocused(), lobbyInView: lobbyInView.current }),
  );
  const floorState = useFloor(facilitation?.floor);
  const crisisState = useCrisis(facilitation?.crisis);
  const checkinState = useCheckins(facilitation?.checkins);
  const roleplayState = useRoleplay(facilitation?.roleplay);
  const exercise = roleplayState.exercise;
  const checkinWaiting = !isTherapist && checkinState.open !== null && checkinState.mine === null;
  const [handBusy, setHandBusy] = useState(false);
  const [unread, setUnread] = useState(0);
  const [pinnedUserId, setPinnedUserId] = useState<string | null>(null);
  const [viewMode, setViewModeState] = useState<ViewMode>(storedViewMode);
  const setViewMode = (mode: ViewMode) => {
    storeViewMode(mode);
    setViewModeState(mode);
  };
  const lastSpeakerUserId = useLastSpeaker(state.activeSpeakerUserId, state.selfUserId);
  const [muteAllResult, setMuteAllResult] = useState<string | null>(null);
  const [mutedByDismissed, setMutedByDismissed] = useState<typeof state.mutedBy>(null);
  const [featuredEl, setFeaturedEl] = useState<HTMLUListElement | null>(null);
  const featuredSize = useSizeOf(featuredEl);

  const run = useCallback(async (key: keyof typeof busy | null, task: () => Promise<unknown>) => {
    setError(null);
    if (key) setBusy((b) => ({ ...b, [key]: true }));
    try {
      await task();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Something went wrong. Please try again.');
    } finally {
      if (key) setBusy((b) => ({ ...b, [key]: false }));
    }
  }, []);
  // Stable handlers, so that the memoised tiles and panels below skip renders that change nothing of theirs.
  const admit = useCallback((ids: string[] | 'all') => void run('admit', () => actions.admit(ids)), [run, actions]);
  const muteUser = useCallback((id: string) => void run(null, () => actions.mute(id)), [run, actions]);
  const unlockMic = useCallback((id: string) => void run(null, () => actions.unlockMic(id)), [run, actions]);
  const removeUser = useCallback((id: string) => void run(null, () => actions.remove(id)), [run, actions]);
  const grantFloor = useCallback((id: string) => void run(null, () => facilitation?.floor.grant(id) ?? Promise.resolve()), [run, facilitation]);
  const allowScreenShare = useCallback(
    (id: string, allowed: boolean) => void run(null, () => actions.allowScreenShare?.(id, allowed) ?? Promise.resolve()),
    [run, actions],
  );

  const self = state.participants.find((p) => p.userId === state.selfUserId);
  // The waiting room, for therapists: in the tools column, or on its own without facilitation.
  const lobbyPanel = isTherapist && (
    <Lobby
      waiting={state.lobby}
      now={now}
      busy={busy.admit}
      onAdmit={admit}
      chimeMuted={chimeMuted}
      onChimeMutedChange={setChimeMuted}
      panelRef={lobbyRef}
    />
  );
  const floor = floorState.floor;
  const sideRoomOf = (userId: string) => crisisState.sideRooms.some((r) => r.userIds.includes(userId));
  // Who may unmute: the rule the server enforces (packages/protocol mic-rules). The talking
  // stick and a main-room scene stop at a crisis side room's or a role-play sub-room's door.
  const micHoldFor = (p: ParticipantView): MicHold | null =>
    micHold({
      userId: p.userId,
      role: p.role,
      inPartition: sideRoomOf(p.userId) || breakoutOf(exercise, p.userId) !== null,
      lockedByTherapist: p.micLocked,
      floor,
      spotlightUserIds: exercise?.spotlightUserIds,
    });
  const floorLockedFor = (p: ParticipantView) => micHoldFor(p) === 'talking_stick';
  const selfMicHold = self ? micHoldFor(self) : null;
  const selfFloorLocked = selfMicHold === 'talking_stick';
  const handPosition = (userId: string) => {
    const i = floor?.queue.findIndex((h) => h.userId === userId) ?? -1;
    return i === -1 ? null : i + 1;
  };

  const hand: HandControl | null =
    facilitation && !isTherapist
      ? {
          raised: handPosition(state.selfUserId ?? '') !== null,
          position: handPosition(state.selfUserId ?? ''),
          busy: handBusy || !floor,
          onRaise: () => {
            setHandBusy(true);
            facilitation.floor
              .raiseHand()
              .catch((e: unknown) => setError(errorMessage(e)))
              .finally(() => setHandBusy(false));
          },
          onLower: () => {
            setHandBusy(true);
            facilitation.floor
              .lowerHand()
              .catch((e: unknown) => setError(errorMessage(e)))
              .finally(() => setHandBusy(false));
          },
        }
      : null;
  const nameOf = (userId: string) =>
    userId === state.selfUserId ? 'you' : (state.participants.find((p) => p.userId === userId)?.displayName ?? 'a therapist');
  const openCrises = new Set(crisisState.alerts.filter((a) => !a.resolvedAt && !a.withdrawnAt).map((a) => a.userId)).size;
  const jumpTo = (id: string) => {
    const el = document.getElementById(id);
    // Below the sticky tab row on phones; only the box that scrolls moves.
    if (el) scrollWithin(el, id === 'room-people' ? 0 : 56);
  };
  const selfView: ParticipantView | null = state.selfUserId
    ? {
        userId: state.selfUserId,
        displayName: self?.displayName ?? 'You',
        role: state.selfRole ?? 'patient',
        connection: state.connection === 'reconnecting' ? 'reconnecting' : 'connected',
        micOn: state.micOn,
        cameraOn: state.cameraOn,
        micLocked: self?.micLocked ?? false,
      }
    : null;
  const others = state.participants.filter((p) => p.userId !== state.selfUserId);
  // Role-play: in breakouts, only your own sub-room's people (their media is all you receive);
  // while a scene runs in the main room, the players' tiles come first and larger, for everyone.
  const myBreakout = breakoutOf(exercise, state.selfUserId);
  const inView = (userId: string) => {
    if (!exercise?.breakouts) return true;
    if (myBreakout) return myBreakout.userIds.includes(userId) || myBreakout.therapistUserIds.includes(userId) || userId === state.selfUserId;
    return !exercise.breakouts.some((b) => b.userIds.includes(userId) || b.therapistUserIds.includes(userId));
  };
  const spotlight = exercise?.spotlightUserIds ?? [];
  const sceneHeldFor = (p: ParticipantView) => micHoldFor(p) === 'scene';
  const selfSceneHeld = selfMicHold === 'scene';
  const tiles = spotlightFirst(
    orderTiles(selfView ? [selfView, ...others] : others, state.selfUserId).filter((p) => inView(p.userId)),
    spotlight,
  );
  const spotCount = tiles.filter((p) => spotlight.includes(p.userId)).length;
  const narrow = size.width > 0 && size.width < NARROW_WIDTH;
  // A featured tile covers 2×2 cells on wide screens, a full row of two on phones.
  const cells = tiles.length + (spotCount > 0 && tiles.length > spotCount ? spotCount * (narrow ? 1 : 3) : 0);

  const layout = gridLayout(cells, size.width, size.height);
  const dpr = typeof window !== 'undefined' ? window.devicePixelRatio : 1;
  const layer = layerForTile(layout, dpr);
  const measured = layout.tileWidth > 0;
  const gridStyle = measured
    ? { gridTemplateColumns: `repeat(${layout.columns}, ${layout.tileWidth}px)`, gridAutoRows: `${layout.tileHeight}px` }
    : { gridTemplateColumns: `repeat(${layout.columns}, minmax(0, 1fr))` };

  // Screen share: someone else's screen goes large, the tiles to a strip.
  const remoteScreen = state.remoteScreen && state.remoteScreen.userId !== state.selfUserId ? state.remoteScreen : null;
  const presenting = remoteScreen !== null;
  const remoteScreenAudio = state.remoteScreenAudio && state.remoteScreenAudio.userId !== state.selfUserId ? state.remoteScreenAudio : null;
  const sharingSound = Boolean(state.localScreen?.getAudioTracks?.().some((t) => t.readyState !== 'ended'));
  const sharing = state.localScreen !== null;
  const mayShare = isTherapist || Boolean(state.selfUserId && state.screenShare?.allowedUserIds.includes(state.selfUserId));
  const stopSharing = () => void run('screen', () => actions.stopScreenShare?.() ?? Promise.resolve());

  const onAudioBlocked = useCallback(() => setAudioBlocked(true), []);
  const preferLayer = actions.preferLayer;
  const count = tiles.length;

  // Pin / speaker view: one tile large (the screen-share layout), the rest in the strip. A shared screen wins.
  const featuredId = presenting
    ? null
    : featuredUserId({
        tiles,
        selfUserId: state.selfUserId,
        pinnedUserId,
        viewMode,
        activeSpeakerUserId: state.activeSpeakerUserId,
        lastSpeakerUserId,
      });
  const featured = featuredId ? (tiles.find((p) => p.userId === featuredId) ?? null) : null;
  const stripped = presenting || featured !== null;
  const stripTiles = featured ? tiles.filter((p) => p.userId !== featured.userId) : tiles;
  const togglePin = useCallback((userId: string) => setPinnedUserId((cur) => (cur === userId ? null : userId)), []);

  const renderTile = (p: ParticipantView, tileLayer: number, isFeatured: boolean) => {
    const isSelf = p.userId === state.selfUserId;
    return (
      <Tile
        key={p.userId}
        participant={p}
        isSelf={isSelf}
        speaking={state.activeSpeakerUserId === p.userId}
        media={isSelf ? undefined : state.remote[p.userId]}
        localStream={isSelf ? (state.blurredStream ?? state.localStream) : undefined}
        canModerate={isTherapist && !isSelf && p.role !== 'therapist'}
        layer={tileLayer}
        onPreferLayer={preferLayer}
        onVisibility={actions.setVideoVisible}
        onMute={muteUser}
        onUnlockMic={unlockMic}
        onRemove={removeUser}
        onAudioBlocked={onAudioBlocked}
        onFirstFrame={actions.remoteFrameShown}
        holdsFloor={floor?.holderUserId === p.userId}
        handPosition={handPosition(p.userId)}
        floorLocked={floorLockedFor(p)}
        spotlit={!stripped && spotCount > 0 && tiles.length > spotCount && spotlight.includes(p.userId)}
        spotSpan={layout.columns >= 2 ? (narrow ? 'row' : 'block') : undefined}
        roleName={exercise ? (exercise.assignments.find((a) => a.userId === p.userId)?.roleName ?? null) : null}
        sceneHeld={sceneHeldFor(p)}
        inSideRoom={isTherapist && sideRoomOf(p.userId)}
        onGrantFloor={facilitation && handPosition(p.userId) === null ? grantFloor : undefined}
        featured={isFeatured}
        pinned={pinnedUserId === p.userId}
        onTogglePin={count > 1 ? togglePin : undefined}
        audioOnly={state.audioOnly}
        reaction={state.reactions[p.userId] ?? null}
      />
    );
  };

  const react = actions.react && state.reactionsAllowed ? (reaction: Reaction) => void actions.react!(reaction).catch(() => undefined) : undefined;

  const muteAll = (lock: boolean) =>
    void run(null, async () => {
      setMuteAllResult(null);
      const r = await actions.muteAll!(lock);
      setMuteAllResult(muteAllSummary(r));
    });
  const moreToggles: MoreToggle[] = [
    {
      key: 'view',
      label: 'Speaker view',
      note: viewMode === 'speaker' ? 'Whoever speaks is shown large' : 'Now: everyone the same size',
      on: viewMode === 'speaker',
      testId: 'view-mode',
      onChange: (on) => setViewMode(on ? 'speaker' : 'grid'),
    },
  ];
  if (isTherapist && actions.setReactionsAllowed) {
    moreToggles.push({
      key: 'reactions',
      label: 'Reactions',
      note: state.reactionsAllowed ? 'Everyone can send support without speaking' : 'Off for everyone',
      on: state.reactionsAllowed,
      testId: 'reactions-toggle',
      onChange: (on) => void run(null, () => actions.setReactionsAllowed!(on)),
    });
  }
  if (actions.setAudioOnly) {
    moreToggles.push({
      key: 'audio-only',
      label: 'Audio only',
      note: 'For a slow connection: no video in or out',
      on: state.audioOnly,
      testId: 'audio-only-toggle',
      onChange: (on) => void run(null, () => actions.setAudioOnly!(on)),
    });
  }
  if (actions.setNoiseSuppression) {
    moreToggles.push({
      key: 'noise',
      label: 'Noise suppression',
      note: hasMicrophone ? 'Turn off for music' : 'No microphone',
      on: state.noiseSuppression,
      disabled: !hasMicrophone,
      testId: 'noise-suppression-toggle',
      onChange: (on) => void run(null, () => actions.setNoiseSuppression!(on)),
    });
  }
  if (actions.setBackgroundBlur && state.blurAvailable) {
    moreToggles.push({
      key: 'blur',
      label: 'Blur my background',
      note: !hasCamera ? 'No camera' : state.blurStatus === 'starting' ? 'Starting blur…' : 'Processed on this device',
      on: state.backgroundBlur,
      disabled: !hasCamera,
      testId: 'blur-toggle',
      state: state.blurStatus,
      // A failure is shown from state.blurError (also when blur started by itself from the saved choice).
      onChange: (on) => void actions.setBackgroundBlur!(on).catch(() => undefined),
    });
  }
  const moreActions: MoreAction[] =
    isTherapist && actions.muteAll
      ? [{ key: 'mute-lock', label: 'Mute all and keep muted', note: 'Patients cannot unmute until you let them', testId: 'mute-all-lock', onSelect: () => muteAll(true) }]
      : [];
  const mutedBy = state.mutedBy && state.mutedBy !== mutedByDismissed && !self?.micLocked ? state.mutedBy : null;

  return (
    <section className="room" data-testid="room" aria-labelledby={titleId}>
      <header className="room__bar">
        <div className="room__heading">
          <h1 className="room__title" id={titleId} ref={headingRef} tabIndex={-1}>
            {state.session?.title ?? 'Live session'}
          </h1>
          <p className="room__meta">{count === 1 ? 'Only you so far' : `${count} people in the room`}</p>
        </div>
        {facilitation && !isTherapist && <CrisisButton crisis={facilitation.crisis} />}
        {isTherapist && openCrises > 0 && (
          <button type="button" className="crisis-count" data-testid="crisis-count" onClick={() => jumpTo('room-crisis')}>
            {openCrises === 1 ? '1 crisis alert' : `${openCrises} crisis alerts`}
          </button>
        )}
        <p className={`connection connection--${state.connection}`}>
          <span className="sr-only">Connection: </span>
          <span data-testid="connection-state">{state.connection}</span>
        </p>
      </header>

      <p className="sr-only" aria-live="polite" data-testid="room-announcement">
        {arrivals}
      </p>
      <p className="sr-only" aria-live="polite" data-testid="reaction-announcement">
        {reactionNews}
      </p>

      {facilitation && !isTherapist && <CrisisStatus crisis={facilitation.crisis} nameOf={nameOf} />}
      {facilitation && <TherapistAwayBanner crisis={facilitation.crisis} />}
      {/* The room's notices. Phones: one floating stack just above the controls, so a notice never moves the videos (roomlayout.css). */}
      <div className="room__notices" data-testid="room-notices">
        {state.connection === 'reconnecting' && (
          <p className="room__banner room__banner--warn" role="status" data-testid="reconnecting-banner">
            <span className="spinner" aria-hidden="true" />
            Reconnecting… the connection is slow or dropped. You keep your place in the room.
          </p>
        )}
        {selfFloorLocked ? (
          <p className="room__banner room__banner--info" role="status" data-testid="floor-lock-banner">
            Talking stick: {MIC_HOLD_NOTES.talking_stick.toLowerCase()}. Raise your hand to ask for a turn.
          </p>
        ) : selfSceneHeld ? (
          <p className="room__banner room__banner--info" role="status" data-testid="scene-hold-banner">
            Role-play scene in progress: you are observing, and your microphone is held by the scene until it ends.
          </p>
        ) : (
          self?.micLocked && (
            <p className="room__banner room__banner--info" role="status">
              The therapist has muted your microphone for now.
            </p>
          )
        )}
        {audioBlocked && (
          <p className="room__banner room__banner--info">
            Your browser paused the group’s sound.
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => {
                resumeRemoteAudio();
                setAudioBlocked(false);
              }}
            >
              Turn on sound
            </button>
          </p>
        )}
        {mutedBy && (
          <p className="room__banner room__banner--info" role="status" data-testid="muted-by-banner">
            {mutedBy.byName} muted everyone’s microphone.{' '}
            {mutedBy.locked ? 'You can speak again when they let you.' : 'You can unmute when you want to speak.'}
            <button type="button" className="button button--quiet button--small" data-testid="muted-by-dismiss" onClick={() => setMutedByDismissed(state.mutedBy)}>
              OK
            </button>
          </p>
        )}
        {muteAllResult && (
          <p className="room__banner room__banner--info" role="status" data-testid="mute-all-result">
            {muteAllResult}
            <button type="button" className="button button--quiet button--small" onClick={() => setMuteAllResult(null)}>
              OK
            </button>
          </p>
        )}
        {state.audioOnlySuggested && !state.audioOnly && actions.setAudioOnly && (
          <p className="room__banner room__banner--warn" role="status" data-testid="audio-only-offer">
            Your connection is struggling. Switch to audio only? You will still hear everyone and they will hear you.
            <button type="button" className="button button--secondary button--small" data-testid="audio-only-accept" onClick={() => void run(null, () => actions.setAudioOnly!(true))}>
              Audio only
            </button>
            <button type="button" className="button button--quiet button--small" data-testid="audio-only-dismiss" onClick={() => actions.dismissAudioOnly?.()}>
              Not now
            </button>
          </p>
        )}
        {state.audioOnly && (
          <p className="room__banner room__banner--info" role="status" data-testid="audio-only-banner">
            Audio only: video is off to save your connection.
            <button type="button" className="button button--quiet button--small" data-testid="audio-only-off" onClick={() => void run(null, () => actions.setAudioOnly!(false))}>
              Turn video back on
            </button>
          </p>
        )}
        {state.blurStatus === 'starting' && (
          <p className="room__banner room__banner--info" role="status" data-testid="blur-starting">
            Starting blur…
          </p>
        )}
        {state.blurError && (
          <p className="room__banner room__banner--error" role="alert" data-testid="blur-error">
            {state.blurError}
          </p>
        )}
        {error && (
          <p className="room__banner room__banner--error" role="alert">
            {error}
            <button type="button" className="button button--quiet button--small" onClick={() => setError(null)}>
              Dismiss
            </button>
          </p>
        )}
      </div>

      {sharing && <SharingBanner onStop={stopSharing} withSound={sharingSound} />}
      {remoteScreenAudio && <ScreenAudio userId={remoteScreenAudio.userId} track={remoteScreenAudio.track} onBlocked={onAudioBlocked} />}

      <div
        className={`room__body${isTherapist ? ' room__body--with-panel' : ''}${facilitation ? ' room__body--with-side' : ''}${stripped ? ' room__body--presenting' : ''}${featured ? ' room__body--featured' : ''}`}
      >
        {remoteScreen && (
          <ScreenStage
            userId={remoteScreen.userId}
            name={nameOf(remoteScreen.userId)}
            track={remoteScreen.track}
            audio={remoteScreenAudio?.userId === remoteScreen.userId ? remoteScreenAudio.track : undefined}
            onStop={isTherapist && actions.stopScreenShareOf ? () => void run(null, () => actions.stopScreenShareOf!(remoteScreen.userId)) : undefined}
          />
        )}
        {featured && (
          <ul
            ref={setFeaturedEl}
            className="room-featured"
            data-testid="featured-stage"
            data-view={pinnedUserId === featured.userId ? 'pinned' : 'speaker'}
            aria-label={pinnedUserId === featured.userId ? 'Pinned' : 'Speaker'}
          >
            {renderTile(featured, featuredLayer(featuredSize, dpr), true)}
          </ul>
        )}
        <ul
          id="room-people"
          ref={gridRef}
          className={`room-grid${measured && !stripped ? ' room-grid--measured' : ''}${stripped ? ' room-grid--strip' : ''}`}
          style={stripped ? undefined : gridStyle}
          data-columns={layout.columns}
          data-layer={stripped ? STRIP_LAYER : layer}
          aria-label="People in the room"
          data-spotlight={spotCount > 0 ? 'true' : undefined}
        >
          {stripTiles.map((p) => renderTile(p, stripped ? STRIP_LAYER : layer, false))}
        </ul>
        {facilitation ? (
          <aside className={`room-side${isTherapist ? ' room-side--therapist' : ''}`} aria-label="Group tools">
            {/* Therapists: the alerts above the chat (wide) or above the tools, never in the tools' scroll: turns and the check-in stay in view. */}
            {isTherapist && (
              <Crises crisis={facilitation.crisis} selfUserId={state.selfUserId} participants={state.participants} lobby={state.lobby} />
            )}
            {/* The rest once the videos show (crisis alerts above never wait). */}
            {sideReady && (
              <>
                <nav className="room-side__tabs" aria-label="Jump to">
                  {/* Phones: the way back to the videos from the chat or the tools below them. */}
                  <button type="button" data-testid="videos-tab" onClick={() => jumpTo('room-people')}>
                    Videos
                  </button>
                  <button type="button" onClick={() => jumpTo('room-turns')}>
                    Turns
                  </button>
                  {(isTherapist || checkinState.open) && (
                    <button type="button" onClick={() => jumpTo('room-checkin')}>
                      Check-in
                      {checkinWaiting && (
                        <span className="room-side__badge" data-testid="checkin-waiting">
                          new<span className="sr-only"> check-in to answer</span>
                        </span>
                      )}
                    </button>
                  )}
                  {(isTherapist || exercise) && (
                    <button type="button" data-testid="roleplay-tab" onClick={() => jumpTo('room-roleplay')}>
                      Role-play
                      {exercise && !isTherapist && (
                        <span className="room-side__badge">
                          on<span className="sr-only"> now</span>
                        </span>
                      )}
                    </button>
                  )}
                  <button type="button" data-testid="chat-tab" onClick={() => jumpTo('room-chat')}>
                    Chat
                    {unread > 0 && (
                      <span className="room-side__badge" data-testid="chat-unread">
                        {unread}
                        <span className="sr-only"> unread</span>
                      </span>
                    )}
                  </button>
                </nav>
                {/* Focusable: it scrolls, and keyboard users must be able to scroll it (axe scrollable-region-focusable). */}
                <div className="room-side__tools" tabIndex={0} role="region" aria-label="Turns, check-in and more">
                  {lobbyPanel}
                  <Roleplay
                    roleplay={facilitation.roleplay}
                    selfUserId={state.selfUserId}
                    selfRole={state.selfRole}
                    participants={state.participants}
                  />
                  <Floor floor={facilitation.floor} selfUserId={state.selfUserId} selfRole={state.selfRole} participants={state.participants} />
                  {isTherapist ? (
                    <Checkins checkins={facilitation.checkins} participants={state.participants} />
                  ) : (
                    <Checkin checkins={facilitation.checkins} />
                  )}
                  {/* Less urgent than the floor and check-ins: below them, so those stay in view at 1366×768. */}
                  {isTherapist && state.session?.kind === 'family' && <GuestInvitePanel sessionId={state.session.id} />}
                  {isTherapist && actions.allowScreenShare && (
                    <ScreenShares share={state.screenShare} participants={state.participants} onAllow={allowScreenShare} />
                  )}
                </div>
                <Chat
                  chat={facilitation.chat}
                  selfUserId={state.selfUserId}
                  selfRole={state.selfRole}
                  participants={state.participants}
                  onUnreadChange={setUnread}
                />
              </>
            )}
          </aside>
        ) : guestChat ? (
          <aside className="room-side" aria-label="Group chat">
            <Chat chat={guestChat} selfUserId={state.selfUserId} selfRole={state.selfRole} participants={state.participants} groupOnly />
          </aside>
        ) : (
          lobbyPanel
        )}
      </div>

      {facilitation && <DebriefOverlay roleplay={facilitation.roleplay} nameOf={(id) => (id === state.selfUserId ? 'You' : nameOf(id))} />}

      <ControlsBar
        micOn={state.micOn}
        cameraOn={state.cameraOn}
        hasMicrophone={hasMicrophone}
        hasCamera={hasCamera}
        isTherapist={isTherapist}
        busy={busy}
        micHold={selfMicHold}
        hand={hand}
        screenShare={
          actions.startScreenShare ? (
            <ScreenShareButton
              sharing={sharing}
              allowed={mayShare}
              busy={busy.screen}
              onStart={() => void run('screen', () => actions.startScreenShare!())}
              onStop={stopSharing}
            />
          ) : null
        }
        muteAll={
          isTherapist && actions.muteAll ? (
            <button type="button" className="control" data-testid="mute-all" aria-describedby="mute-all-note" onClick={() => muteAll(false)}>
              <MuteAllIcon />
              <span className="control__label">Mute all</span>
              <span className="control__note" id="mute-all-note">
                Patients
              </span>
            </button>
          ) : null
        }
        more={<MoreMenu toggles={moreToggles} actions={moreActions} onReact={react} />}
        onToggleMic={() => void run('mic', () => actions.setMic(!state.micOn))}
        onToggleCamera={() => void run('camera', () => actions.setCamera(!state.cameraOn))}
        onLeave={() => void run(null, () => actions.leave())}
        // ControlsBar asks first (`leave-room-confirm` / `end-session-confirm`, TEST-CONTRACT.md).
        onEndSession={() => void run('end', () => actions.endSession())}
      />
    </section>
  );
}
