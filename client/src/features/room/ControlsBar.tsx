import { useState, type ReactNode } from 'react';
import { MIC_HOLD_NOTES, type MicHold } from '@hearth/protocol';
import './roomrest.css';
import { ConfirmDialog } from './ConfirmDialog';
import { CameraIcon, CameraOffIcon, EndIcon, HandIcon, LeaveIcon, MicIcon, MicOffIcon } from './icons';

/** Patients: raise or lower their hand (the queue is the server's). */
export interface HandControl {
  raised: boolean;
  /** 1-based place in the queue while raised. */
  position: number | null;
  busy: boolean;
  onRaise(): void;
  onLower(): void;
}

export interface ControlsBarProps {
  micOn: boolean;
  cameraOn: boolean;
  hasMicrophone: boolean;
  hasCamera: boolean;
  isTherapist: boolean;
  busy: { mic: boolean; camera: boolean };
  /**
   * Why our microphone cannot be turned on now (talking stick, a role-play
   * scene, the therapist's lock), from the rule the server enforces
   * (`micHold` in packages/protocol); null: it can.
   */
  micHold?: MicHold | null;
  hand?: HandControl | null;
  /** The `share-screen` control, when the room offers it. */
  screenShare?: ReactNode;
  /** Therapists: the `mute-all` control. */
  muteAll?: ReactNode;
  /** The "More" menu (view, audio only, noise suppression, blur). */
  more?: ReactNode;
  onToggleMic(): void;
  onToggleCamera(): void;
  onLeave(): void;
  onEndSession(): void;
}

/** The room's bottom bar: own microphone and camera, leave, and (therapists) end for everyone. */
export function ControlsBar({
  micOn,
  cameraOn,
  hasMicrophone,
  hasCamera,
  isTherapist,
  busy,
  micHold = null,
  hand = null,
  screenShare = null,
  muteAll = null,
  more = null,
  onToggleMic,
  onToggleCamera,
  onLeave,
  onEndSession,
}: ControlsBarProps) {
  // Leaving and ending are asked once more: one stray tap must not end anyone's group.
  const [confirming, setConfirming] = useState<'leave' | 'end' | null>(null);
  const micNote = !hasMicrophone ? 'No microphone' : micHold ? MIC_HOLD_NOTES[micHold] : micOn ? 'On' : 'Off';
  const cameraNote = !hasCamera ? 'No camera' : cameraOn ? 'On' : 'Off';
  return (
    <div className="controls" role="toolbar" aria-label="Your microphone, camera and leaving">
      <div className="controls__group">
        <button
          type="button"
          className={`control${micOn ? '' : ' control--off'}`}
          data-testid="toggle-mic"
          aria-pressed={micOn}
          aria-describedby="toggle-mic-note"
          disabled={!hasMicrophone || micHold !== null || busy.mic}
          title={micHold ? MIC_HOLD_NOTES[micHold] : undefined}
          onClick={onToggleMic}
        >
          {micOn ? <MicIcon /> : <MicOffIcon />}
          {/* Phones show the short word (CSS), so "Microphone" is never cut to "Microph…". */}
          <span className="control__label">
            <span className="control__label-long">Microphone</span>
            <span className="control__label-short">Mic</span>
          </span>
          <span className={`control__note${micHold === 'talking_stick' ? ' control__note--floor' : ''}`} id="toggle-mic-note">
            {micNote}
          </span>
        </button>
        <button
          type="button"
          className={`control${cameraOn ? '' : ' control--off'}`}
          data-testid="toggle-camera"
          aria-pressed={cameraOn}
          aria-describedby="toggle-camera-note"
          disabled={!hasCamera || busy.camera}
          onClick={onToggleCamera}
        >
          {cameraOn ? <CameraIcon /> : <CameraOffIcon />}
          <span className="control__label">Camera</span>
          <span className="control__note" id="toggle-camera-note">
            {cameraNote}
          </span>
        </button>
        {screenShare}
        {muteAll}
        {hand &&
          (hand.raised ? (
            <button
              type="button"
              className="control control--hand-raised"
              data-testid="lower-hand"
              aria-describedby="hand-note"
              disabled={hand.busy}
              onClick={hand.onLower}
            >
              <HandIcon />
              <span className="control__label">Lower hand</span>
              <span className="control__note" id="hand-note">
                {hand.position ? `You are number ${hand.position}` : 'Raised'}
              </span>
            </button>
          ) : (
            <button type="button" className="control" data-testid="raise-hand" disabled={hand.busy} onClick={hand.onRaise}>
              <HandIcon />
              <span className="control__label">Raise hand</span>
            </button>
          ))}
      </div>
      <div className="controls__group">
        {more}
        <button type="button" className="control control--leave" data-testid="leave-room" onClick={() => setConfirming('leave')}>
          <LeaveIcon />
          <span className="control__label">Leave</span>
        </button>
        {isTherapist && (
          <button
            type="button"
            className="control control--danger"
            data-testid="end-session"
            onClick={() => setConfirming('end')}
          >
            <EndIcon />
            <span className="control__label">End for all</span>
          </button>
        )}
      </div>
      {confirming === 'leave' && (
        <ConfirmDialog
          title="Leave the group?"
          confirmLabel="Leave"
          confirmTestId="leave-room-confirm"
          cancelLabel="Stay"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            onLeave();
          }}
        >
          <p>You can come back until the session ends{isTherapist ? '.' : ' without waiting to be let in again.'}</p>
        </ConfirmDialog>
      )}
      {confirming === 'end' && (
        <ConfirmDialog
          title="End the session for everyone?"
          confirmLabel="End for everyone"
          confirmTestId="end-session-confirm"
          cancelLabel="Keep the session going"
          danger
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            onEndSession();
          }}
        >
          <p>Everyone leaves the room and nobody can rejoin this session.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
