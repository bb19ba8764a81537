import { useCallback, useId, useRef, useState } from 'react';
import type { ParticipantView } from '@hearth/protocol';
import type { RoomState } from '../../media/roomState';
import { useNow } from '../schedule/useNow';
import { ControlsBar } from './ControlsBar';
import { gridLayout, layerForTile } from './gridLayout';
import { LobbyPanel } from './LobbyPanel';
import { LobbyWaiting } from './LobbyWaiting';
import { resumeRemoteAudio } from './mediaElements';
import { ParticipantTile } from './ParticipantTile';
import { SessionEnded } from './SessionEnded';
import { useArrivalsAnnouncement } from './useArrivalsAnnouncement';
import { useElementSize } from './useElementSize';
import { useFocusOnMount } from './useFocusOnMount';

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
}

export interface RoomViewProps {
  state: RoomState;
  actions: RoomActions;
  hasMicrophone: boolean;
  hasCamera: boolean;
}

/** The live session after pre-join: waiting room, the room itself, or the end. */
export function RoomView({ state, actions, hasMicrophone, hasCamera }: RoomViewProps) {
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
        />
      );
    case 'in-room':
      return <RoomStage state={state} actions={actions} hasMicrophone={hasMicrophone} hasCamera={hasCamera} />;
    case 'ended':
      return <SessionEnded sessionTitle={state.session?.title ?? null} />;
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

function RoomStage({ state, actions, hasMicrophone, hasCamera }: RoomViewProps) {
  const titleId = useId();
  const isTherapist = state.selfRole === 'therapist';
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState({ mic: false, camera: false, admit: false, end: false });
  const [audioBlocked, setAudioBlocked] = useState(false);
  const gridRef = useRef<HTMLUListElement>(null);
  const size = useElementSize(gridRef);
  const now = useNow(30_000);
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const arrivals = useArrivalsAnnouncement(state.participants, state.selfUserId);

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

  const self = state.participants.find((p) => p.userId === state.selfUserId);
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
  const tiles = orderTiles(selfView ? [selfView, ...others] : others, state.selfUserId);

  const layout = gridLayout(tiles.length, size.width, size.height);
  const dpr = typeof window !== 'undefined' ? window.devicePixelRatio : 1;
  const layer = layerForTile(layout, dpr);
  const measured = layout.tileWidth > 0;
  const gridStyle = measured
    ? { gridTemplateColumns: `repeat(${layout.columns}, ${layout.tileWidth}px)`, gridAutoRows: `${layout.tileHeight}px` }
    : { gridTemplateColumns: `repeat(${layout.columns}, minmax(0, 1fr))` };

  const onAudioBlocked = useCallback(() => setAudioBlocked(true), []);
  const preferLayer = actions.preferLayer;
  const count = tiles.length;

  return (
    <section className="room" data-testid="room" aria-labelledby={titleId}>
      <header className="room__bar">
        <div className="room__heading">
          <h1 className="room__title" id={titleId} ref={headingRef} tabIndex={-1}>
            {state.session?.title ?? 'Live session'}
          </h1>
          <p className="room__meta">{count === 1 ? 'Only you so far' : `${count} people in the room`}</p>
        </div>
        <p className={`connection connection--${state.connection}`}>
          <span className="sr-only">Connection: </span>
          <span data-testid="connection-state">{state.connection}</span>
        </p>
      </header>

      <p className="sr-only" aria-live="polite" data-testid="room-announcement">
        {arrivals}
      </p>

      {state.connection === 'reconnecting' && (
        <p className="room__banner room__banner--warn" role="status" data-testid="reconnecting-banner">
          <span className="spinner" aria-hidden="true" />
          Your connection dropped. Reconnecting… you keep your place in the room.
        </p>
      )}
      {self?.micLocked && (
        <p className="room__banner room__banner--info" role="status">
          The therapist has muted your microphone for now.
        </p>
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
      {error && (
        <p className="room__banner room__banner--error" role="alert">
          {error}
          <button type="button" className="button button--quiet button--small" onClick={() => setError(null)}>
            Dismiss
          </button>
        </p>
      )}

      <div className={`room__body${isTherapist ? ' room__body--with-panel' : ''}`}>
        <ul
          ref={gridRef}
          className={`room-grid${measured ? ' room-grid--measured' : ''}`}
          style={gridStyle}
          data-columns={layout.columns}
          data-layer={layer}
          aria-label="People in the room"
        >
          {tiles.map((p) => {
            const isSelf = p.userId === state.selfUserId;
            return (
              <ParticipantTile
                key={p.userId}
                participant={p}
                isSelf={isSelf}
                speaking={state.activeSpeakerUserId === p.userId}
                media={isSelf ? undefined : state.remote[p.userId]}
                localStream={isSelf ? state.localStream : undefined}
                canModerate={isTherapist && !isSelf && p.role !== 'therapist'}
                layer={layer}
                onPreferLayer={preferLayer}
                onMute={(id) => void run(null, () => actions.mute(id))}
                onUnlockMic={(id) => void run(null, () => actions.unlockMic(id))}
                onRemove={(id) => void run(null, () => actions.remove(id))}
                onAudioBlocked={onAudioBlocked}
              />
            );
          })}
        </ul>
        {isTherapist && (
          <LobbyPanel
            waiting={state.lobby}
            now={now}
            busy={busy.admit}
            onAdmit={(ids) => void run('admit', () => actions.admit(ids))}
          />
        )}
      </div>

      <ControlsBar
        micOn={state.micOn}
        cameraOn={state.cameraOn}
        micLocked={self?.micLocked ?? false}
        hasMicrophone={hasMicrophone}
        hasCamera={hasCamera}
        isTherapist={isTherapist}
        busy={busy}
        onToggleMic={() => void run('mic', () => actions.setMic(!state.micOn))}
        onToggleCamera={() => void run('camera', () => actions.setCamera(!state.cameraOn))}
        onLeave={() => void run(null, () => actions.leave())}
        // One click, as TEST-CONTRACT.md's `end-session` promises; the button stands apart,
        // in the danger colour, labelled "for everyone", to avoid accidental use.
        onEndSession={() => void run('end', () => actions.endSession())}
      />
    </section>
  );
}
