import type { ParticipantView, ScreenShareView } from '@hearth/protocol';
import { MediaVideo, RemoteAudio } from '../room/mediaElements';

/** Whether this browser can share a screen at all (phones mostly cannot). */
export function canCaptureScreen(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/**
 * Options for getDisplayMedia: a screen, window or tab at a frame rate suited to
 * slides and worksheets, and its sound where the browser offers it (a tab's, or
 * the whole system's on some systems), unprocessed because it is not a voice.
 */
export const SCREEN_CAPTURE_OPTIONS = {
  video: { frameRate: { ideal: 15, max: 30 } },
  audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  // Chromium: offer "Also share system audio" when sharing the entire screen.
  systemAudio: 'include',
} as const;

/** Asks the browser for a screen, window or tab (and its sound, if offered). */
export function pickScreen(): Promise<MediaStream> {
  return navigator.mediaDevices.getDisplayMedia(SCREEN_CAPTURE_OPTIONS as DisplayMediaStreamOptions);
}

export interface ScreenShareButtonProps {
  sharing: boolean;
  /** A therapist, or someone a therapist allowed. */
  allowed: boolean;
  busy: boolean;
  onStart(): void;
  onStop(): void;
}

/**
 * `share-screen`: starts sharing, and while sharing stops it (one click). Not
 * shown at all where the browser cannot capture a screen (phones) or to someone
 * not allowed to share: a button that can never work only takes room in the bar.
 */
export function ScreenShareButton({ sharing, allowed, busy, onStart, onStop }: ScreenShareButtonProps) {
  const supported = canCaptureScreen();
  if (!sharing && (!supported || !allowed)) return null;
  const note = sharing ? 'You are sharing' : 'Off';
  return (
    <button
      type="button"
      className={`control${sharing ? ' control--sharing' : ' control--off'}`}
      data-testid="share-screen"
      aria-pressed={sharing}
      aria-describedby="share-screen-note"
      disabled={busy}
      onClick={sharing ? onStop : onStart}
    >
      <ScreenIcon />
      <span className="control__label">{sharing ? 'Stop sharing' : 'Share screen'}</span>
      <span className="control__note" id="share-screen-note">
        {note}
      </span>
    </button>
  );
}

function ScreenIcon() {
  return (
    <svg
      className="icon"
      width={22}
      height={22}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <rect x="2" y="4" width="20" height="13" rx="1.5" />
      <path d="M8 21h8M12 17v4M12 13V8M9.5 10.5 12 8l2.5 2.5" />
    </svg>
  );
}

export interface ScreenStageProps {
  userId: string;
  name: string;
  track: MediaStreamTrack;
  /** The share's sound, when the sharer's browser sends one (played by ScreenAudio; named in the caption). */
  audio?: MediaStreamTrack;
  /** Therapists may stop anyone's share. */
  onStop?: () => void;
}

/** Someone else's shared screen, large; the tiles go to a strip beside it. */
export function ScreenStage({ userId, name, track, audio, onStop }: ScreenStageProps) {
  return (
    <figure className="screen-stage" aria-label={`Screen shared by ${name}`}>
      <MediaVideo source={track} className="screen-stage__video" data-testid="screen-video" data-user-id={userId} />
      <figcaption className="screen-stage__caption">
        <span>
          {name} is sharing their screen{audio ? ' with sound' : ''}
        </span>
        {onStop && (
          <button type="button" className="button button--secondary button--small" data-testid="screen-stop-other" onClick={onStop}>
            Stop their share
          </button>
        )}
      </figcaption>
    </figure>
  );
}

/**
 * The share's sound, played on its own <audio> (outside the stage, so it
 * plays even if it arrives before the picture). The talking stick does not
 * mute it, as it does not hide the share.
 */
export function ScreenAudio({ userId, track, onBlocked }: { userId: string; track: MediaStreamTrack; onBlocked?: () => void }) {
  return <RemoteAudio track={track} userId={userId} onBlocked={onBlocked} testId="screen-audio" />;
}

/** Shown to the sharer: they are sharing, and one click stops it. */
export function SharingBanner({ onStop, withSound = false }: { onStop(): void; withSound?: boolean }) {
  return (
    <p className="room__banner room__banner--info" role="status" data-testid="screen-sharing-banner">
      {withSound ? 'You are sharing your screen and its sound: everyone in the room sees and hears it.' : 'You are sharing your screen: everyone in the room sees it.'}
      <button type="button" className="button button--secondary button--small" data-testid="screen-stop" onClick={onStop}>
        Stop sharing
      </button>
    </p>
  );
}

export interface ScreenSharePanelProps {
  share: ScreenShareView | null;
  participants: ParticipantView[];
  onAllow(userId: string, allowed: boolean): void;
}

/** Therapists: who may share their screen (patients and guests only when allowed). */
export function ScreenSharePanel({ share, participants, onAllow }: ScreenSharePanelProps) {
  const others = participants.filter((p) => p.role !== 'therapist');
  if (others.length === 0) return null;
  const allowed = new Set(share?.allowedUserIds ?? []);
  return (
    <section className="panel screen-panel" aria-labelledby="screen-panel-title">
      <h2 className="panel__title" id="screen-panel-title">
        Screen sharing
      </h2>
      <p className="muted">Therapists can always share. Allow someone else to share theirs:</p>
      <ul className="screen-panel__list">
        {others.map((p) => (
          <li key={p.userId} className="screen-panel__row">
            <span className="screen-panel__name">{p.displayName}</span>
            <label className="screen-panel__toggle">
              <input
                type="checkbox"
                data-testid="screen-allow"
                data-user-id={p.userId}
                checked={allowed.has(p.userId)}
                onChange={(e) => onAllow(p.userId, e.currentTarget.checked)}
              />
              May share
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
