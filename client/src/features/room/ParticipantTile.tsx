import { useEffect, useRef } from 'react';
import { REACTION_LABELS, type ParticipantView, type Reaction } from '@hearth/protocol';
import type { RemoteMedia } from '../../media/roomState';
import { CameraOffIcon, HandIcon, MicOffIcon, PinIcon, RemoveIcon, SpeakingIcon, UnlockIcon } from './icons';
import { MediaVideo, RemoteAudio } from './mediaElements';
import { REACTION_ICONS } from './reactionIcons';

export interface ParticipantTileProps {
  participant: ParticipantView;
  isSelf: boolean;
  speaking: boolean;
  /** Remote participants: their consumed tracks. */
  media?: RemoteMedia;
  /** The self tile: our own camera. */
  localStream?: MediaStream | null;
  /** Therapist viewing a patient: show mute / remove. */
  canModerate: boolean;
  /** Simulcast layer this tile's size calls for (remote tiles ask the RoomClient for it). */
  layer: number;
  onPreferLayer?(userId: string, layer: number): void;
  /** Remote tiles: on screen in a visible tab or not (the SFU then forwards their video only when seen). */
  onVisibility?(userId: string, visible: boolean): void;
  onMute?(userId: string): void;
  onUnlockMic?(userId: string): void;
  onRemove?(userId: string): void;
  onAudioBlocked?(): void;
  /** A remote video's first frame is on screen. */
  onFirstFrame?(): void;
  /** Turn-taking: this person holds the floor. */
  holdsFloor?: boolean;
  /** Turn-taking: their place in the hand queue (1-based), or null. */
  handPosition?: number | null;
  /** Talking stick: their microphone is held off because someone else has the floor. */
  floorLocked?: boolean;
  /** Therapists: in a private side room (crisis). */
  inSideRoom?: boolean;
  /** Therapists: give this person the floor (offered when they are not in the hand queue). */
  onGrantFloor?(userId: string): void;
  /** Role-play: a player featured while the scene runs (larger, first). */
  spotlit?: boolean;
  /** How a featured tile grows: 2×2 cells, or a whole row (phones). */
  spotSpan?: 'block' | 'row';
  /** Role-play: the role this person plays. */
  roleName?: string | null;
  /** Role-play: an observer whose microphone the scene holds. */
  sceneHeld?: boolean;
  /** Shown large (pinned, or the speaker in speaker view). */
  featured?: boolean;
  /** This user pinned the tile (a local choice). */
  pinned?: boolean;
  /** Pin or unpin this tile; absent: no pin button. */
  onTogglePin?(userId: string): void;
  /** Audio only: no video is received; the tile shows initials and whether they speak. */
  audioOnly?: boolean;
  /** Their reaction shown now (support, agree, thanks, me too); `id` restarts it when they send one again. */
  reaction?: { reaction: Reaction; id: number } | null;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]?.[0], parts[parts.length - 1]?.[0]] : [parts[0]?.[0], parts[0]?.[1]];
  return letters.filter(Boolean).join('').toUpperCase() || '?';
}

/** One person in the room: their video (or initials), name and state, and moderation for therapists. */
export function ParticipantTile({
  participant: p,
  isSelf,
  speaking,
  media,
  localStream,
  canModerate,
  layer,
  onPreferLayer,
  onVisibility,
  onMute,
  onUnlockMic,
  onRemove,
  onAudioBlocked,
  onFirstFrame,
  holdsFloor = false,
  handPosition = null,
  floorLocked = false,
  inSideRoom = false,
  onGrantFloor,
  spotlit = false,
  spotSpan,
  roleName = null,
  sceneHeld = false,
  featured = false,
  pinned = false,
  onTogglePin,
  audioOnly = false,
  reaction = null,
}: ParticipantTileProps) {
  const reconnecting = p.connection === 'reconnecting';
  const videoVisible = p.cameraOn && !reconnecting && (isSelf ? Boolean(localStream) : !media?.videoPaused && !audioOnly);
  const hasVideoTrack = isSelf ? Boolean(localStream?.getVideoTracks().length) : Boolean(media?.video);
  const name = isSelf ? `${p.displayName} (you)` : p.displayName;
  const ReactionIcon = reaction ? REACTION_ICONS[reaction.reaction] : null;

  useEffect(() => {
    if (!isSelf && media?.video) onPreferLayer?.(p.userId, layer);
  }, [isSelf, media?.video, layer, p.userId, onPreferLayer]);

  // Forward only what is seen: off screen (scrolled away, a phone's grid) or a hidden tab pauses this video.
  const tileRef = useRef<HTMLLIElement>(null);
  const hasRemoteVideo = !isSelf && Boolean(media?.video);
  useEffect(() => {
    const el = tileRef.current;
    if (!hasRemoteVideo || !onVisibility || !el || typeof IntersectionObserver === 'undefined') return;
    let onScreen = true;
    const report = () => onVisibility(p.userId, onScreen && document.visibilityState !== 'hidden');
    const observer = new IntersectionObserver((entries) => {
      onScreen = entries.some((e) => e.isIntersecting);
      report();
    });
    observer.observe(el);
    document.addEventListener('visibilitychange', report);
    return () => {
      observer.disconnect();
      document.removeEventListener('visibilitychange', report);
      onVisibility(p.userId, true);
    };
  }, [hasRemoteVideo, onVisibility, p.userId]);

  const classes = ['tile'];
  if (speaking) classes.push('tile--speaking');
  if (reconnecting) classes.push('tile--reconnecting');
  if (!videoVisible || !hasVideoTrack) classes.push('tile--no-video');
  if (holdsFloor) classes.push('tile--floor');
  if (spotlit) classes.push('tile--spotlight');
  if (spotlit && spotSpan) classes.push(`tile--span-${spotSpan}`);
  if (featured) classes.push('tile--featured');

  const status: string[] = [];
  if (p.role === 'therapist') status.push('therapist');
  if (speaking) status.push('speaking');
  if (holdsFloor) status.push('has the floor');
  if (handPosition) status.push(`hand raised, number ${handPosition}`);
  if (inSideRoom) status.push('in a private room');
  if (roleName) status.push(`playing ${roleName}`);
  if (sceneHeld) status.push('observing the scene');
  else if (floorLocked) status.push('waiting for the floor');
  else if (p.micLocked) status.push('muted by the therapist');
  else if (!p.micOn) status.push('microphone off');
  if (!p.cameraOn) status.push('camera off');
  if (reconnecting) status.push('reconnecting');

  return (
    <li
      ref={tileRef}
      className={classes.join(' ')}
      data-testid="participant-tile"
      data-user-id={p.userId}
      data-self={isSelf ? 'true' : undefined}
      data-speaking={speaking ? 'true' : undefined}
      data-mic={p.micOn ? 'on' : 'off'}
      data-camera={p.cameraOn ? 'on' : 'off'}
      data-connection={p.connection}
      data-floor={holdsFloor ? 'true' : undefined}
      data-spotlight={spotlit ? 'true' : undefined}
      data-featured={featured ? 'true' : undefined}
      data-pinned={pinned ? 'true' : undefined}
      data-layer={isSelf ? undefined : layer}
    >
      <span className="sr-only">{`${name}${status.length ? `: ${status.join(', ')}` : ''}`}</span>
      <div className="tile__media">
        {isSelf ? (
          <MediaVideo source={localStream} className="tile__video tile__video--mirrored" data-testid="self-video" aria-hidden="true" />
        ) : (
          <>
            <MediaVideo
              source={media?.video}
              className="tile__video"
              data-testid="remote-video"
              data-user-id={p.userId}
              aria-hidden="true"
              onFirstFrame={onFirstFrame}
            />
            <RemoteAudio track={media?.audio} userId={p.userId} onBlocked={onAudioBlocked} />
          </>
        )}
        <div className="tile__avatar" aria-hidden="true">
          <span>{initials(p.displayName)}</span>
        </div>
      </div>

      {reconnecting && (
        <p className="tile__overlay" data-testid="tile-reconnecting">
          <span className="spinner" aria-hidden="true" /> Reconnecting…
        </p>
      )}

      {speaking && (
        <span className="tile__speaking" data-testid="active-speaker" title="Speaking">
          <SpeakingIcon size={16} />
          <span className="tile__speaking-text">Speaking</span>
        </span>
      )}

      {reaction && (
        // Keyed by the reaction's id: the same reaction again shows again. Read out by the room's live region.
        <span key={reaction.id} className="tile__reaction" data-testid="tile-reaction" data-reaction={reaction.reaction} aria-hidden="true">
          <span className="tile__reaction-symbol">{ReactionIcon && <ReactionIcon size={18} />}</span>
          <span className="tile__reaction-label">{REACTION_LABELS[reaction.reaction].label}</span>
        </span>
      )}

      {(holdsFloor || handPosition || inSideRoom) && (
        <span className="tile__badges" aria-hidden="true">
          {holdsFloor && (
            <span className="tile__badge tile__badge--floor" data-testid="tile-floor">
              Has the floor
            </span>
          )}
          {handPosition ? (
            <span className="tile__badge tile__badge--hand" data-testid="tile-hand">
              <HandIcon size={14} /> {handPosition}
            </span>
          ) : null}
          {inSideRoom && <span className="tile__badge tile__badge--room">Private room</span>}

        </span>
      )}

      <div className="tile__footer">
        <p className="tile__name" aria-hidden="true">
          <span className="tile__name-text">{name}</span>
          {p.role === 'therapist' && <span className="tile__role">Therapist</span>}
          {roleName && (
            <span className="tile__role tile__role--play" data-testid="tile-role">
              {roleName}
            </span>
          )}
        </p>
        <span className="tile__indicators" aria-hidden="true">
          {(!p.micOn || p.micLocked) && (
            <span
              className={`tile__indicator${p.micLocked ? ' tile__indicator--locked' : ''}`}
              data-testid="tile-mic-off"
              title={sceneHeld ? 'Observing the scene' : floorLocked ? 'Waiting for the floor' : p.micLocked ? 'Muted by the therapist' : 'Microphone off'}
            >
              <MicOffIcon size={16} />
              {p.micLocked && !floorLocked && (
                <span className="tile__indicator-text">{sceneHeld ? 'Observing' : 'Muted by therapist'}</span>
              )}
            </span>
          )}
          {!p.cameraOn && (
            <span className="tile__indicator" data-testid="tile-camera-off" title="Camera off">
              <CameraOffIcon size={16} />
            </span>
          )}
        </span>
        {onTogglePin && (
          <button
            type="button"
            className={`tile__pin${pinned ? ' tile__pin--on' : ''}`}
            data-testid="pin-tile"
            data-user-id={p.userId}
            aria-pressed={pinned}
            aria-label={`Pin ${isSelf ? 'yourself' : p.displayName}`}
            title={pinned ? `Unpin ${isSelf ? 'yourself' : p.displayName}` : `Pin ${isSelf ? 'yourself' : p.displayName} (only you see this)`}
            onClick={() => onTogglePin(p.userId)}
          >
            <PinIcon size={16} />
          </button>
        )}
      </div>

      {canModerate && (
        <div className="tile__moderation" role="group" aria-label={`Moderate ${p.displayName}`}>
          {onGrantFloor && !holdsFloor && (
            <button
              type="button"
              className="tile__action tile__action--text"
              data-testid="grant-floor"
              data-user-id={p.userId}
              aria-label={`Give floor to ${p.displayName}`}
              title={`Give floor to ${p.displayName}`}
              onClick={() => onGrantFloor(p.userId)}
            >
              Give floor
            </button>
          )}
          {p.micLocked && !floorLocked && !sceneHeld ? (
            <button
              type="button"
              className="tile__action"
              data-testid="unlock-mic"
              data-user-id={p.userId}
              aria-label={`Let ${p.displayName} unmute`}
              title={`Let ${p.displayName} unmute`}
              onClick={() => onUnlockMic?.(p.userId)}
            >
              <UnlockIcon size={18} />
            </button>
          ) : (
            <button
              type="button"
              className="tile__action"
              data-testid="mute-user"
              data-user-id={p.userId}
              aria-label={`Mute ${p.displayName}`}
              title={`Mute ${p.displayName}`}
              onClick={() => onMute?.(p.userId)}
            >
              <MicOffIcon size={18} />
            </button>
          )}
          <button
            type="button"
            className="tile__action"
            data-testid="remove-user"
            data-user-id={p.userId}
            aria-label={`Move ${p.displayName} to the waiting room`}
            title={`Move ${p.displayName} to the waiting room`}
            onClick={() => onRemove?.(p.userId)}
          >
            <RemoveIcon size={18} />
          </button>
        </div>
      )}
    </li>
  );
}
