import { CameraIcon, CameraOffIcon, EndIcon, LeaveIcon, MicIcon, MicOffIcon } from './icons';

export interface ControlsBarProps {
  micOn: boolean;
  cameraOn: boolean;
  /** A therapist muted us: the microphone cannot be turned on. */
  micLocked: boolean;
  hasMicrophone: boolean;
  hasCamera: boolean;
  isTherapist: boolean;
  busy: { mic: boolean; camera: boolean };
  onToggleMic(): void;
  onToggleCamera(): void;
  onLeave(): void;
  onEndSession(): void;
}

/** The room's bottom bar: own microphone and camera, leave, and (therapists) end for everyone. */
export function ControlsBar({
  micOn,
  cameraOn,
  micLocked,
  hasMicrophone,
  hasCamera,
  isTherapist,
  busy,
  onToggleMic,
  onToggleCamera,
  onLeave,
  onEndSession,
}: ControlsBarProps) {
  const micNote = !hasMicrophone ? 'No microphone' : micLocked ? 'Muted by therapist' : micOn ? 'On' : 'Off';
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
          disabled={!hasMicrophone || micLocked || busy.mic}
          onClick={onToggleMic}
        >
          {micOn ? <MicIcon /> : <MicOffIcon />}
          <span className="control__label">Microphone</span>
          <span className="control__note" id="toggle-mic-note">
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
      </div>
      <div className="controls__group">
        <button type="button" className="control control--leave" data-testid="leave-room" onClick={onLeave}>
          <LeaveIcon />
          <span className="control__label">Leave</span>
        </button>
        {isTherapist && (
          <button
            type="button"
            className="control control--danger"
            data-testid="end-session"
            onClick={onEndSession}
            aria-label="End the session for everyone"
          >
            <EndIcon />
            <span className="control__label">End for all</span>
          </button>
        )}
      </div>
    </div>
  );
}
