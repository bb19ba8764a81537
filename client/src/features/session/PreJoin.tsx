import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { CONSENT_VERSION, type Consent, type MySafetyCheck, type SafetyCheck } from '@hearth/protocol';
import { CameraIcon, CameraOffIcon, MicIcon, MicOffIcon } from '../room/icons';
import { MediaVideo } from '../room/mediaElements';
import { emptySafetyDraft, validateSafety, type SafetyDraft, type SafetyField } from './safetyForm';
import { useAudioLevel } from './useAudioLevel';
import '../room/roomux.css';
import '../room/roomtools.css';
import type { LocalMedia } from './useLocalMedia';

export interface PreJoinProps {
  sessionId: string;
  /** Patients (and guests) answer the safety check and consent; therapists go straight in. */
  needsSafetyCheck: boolean;
  sessionTitle: string | null;
  sessionWhen: string | null;
  media: LocalMedia;
  busy: boolean;
  /** Why the last attempt to join failed. */
  error: string | null;
  onEnter(details: { safety?: SafetyCheck; consent?: Consent }): void;
  /** This patient's earlier check in this session (after a reload or a leave): pre-fills the form. */
  previousCheck?: MySafetyCheck | null;
  /** A family guest: consent and the group agreement only (no location or callback asked), no schedule to go back to. */
  guest?: boolean;
  /** What was typed before this form was last shown (the page keeps it): never lost to a failed join. */
  draft?: SafetyDraft;
  onDraftChange?(draft: SafetyDraft): void;
}

/** Before joining: camera and microphone check, and for patients the safety check and consent. */
export function PreJoin({
  sessionId,
  needsSafetyCheck,
  sessionTitle,
  sessionWhen,
  media,
  busy,
  error,
  onEnter,
  previousCheck = null,
  guest = false,
  draft: keptDraft,
  onDraftChange,
}: PreJoinProps) {
  const titleId = useId();
  const ids = {
    camera: useId(),
    mic: useId(),
    location: useId(),
    callback: useId(),
    consentText: useId(),
    hint: useId(),
  };
  const [draft, setDraft] = useState<SafetyDraft>(keptDraft ?? emptySafetyDraft);
  useEffect(() => {
    onDraftChange?.(draft);
  }, [draft, onDraftChange]);
  const [touched, setTouched] = useState<Partial<Record<SafetyField, boolean>>>({});
  // Pre-fill from this session's earlier check, unless the patient has started typing.
  useEffect(() => {
    if (!previousCheck) return;
    setDraft((d) =>
      d.location || d.callbackNumber
        ? d
        : { ...d, location: previousCheck.location, callbackNumber: previousCheck.callbackNumber },
    );
  }, [previousCheck]);
  // Not on every render: a failed parse builds an error (and its stack) each time.
  const validation = useMemo(() => validateSafety(draft), [draft]);
  const starting = media.status === 'starting';
  // Entering before the devices answer would join without them.
  const answered = guest ? draft.consentAccepted : validation.valid;
  const ready = !starting && (!needsSafetyCheck || answered);

  const errorFor = (field: SafetyField) => (touched[field] ? validation.errors[field] : undefined);
  const update = (field: SafetyField, value: string | boolean) => setDraft((d) => ({ ...d, [field]: value }));
  const touch = (field: SafetyField) => setTouched((t) => ({ ...t, [field]: true }));

  function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!needsSafetyCheck) {
      onEnter({});
      return;
    }
    setTouched({ location: true, callbackNumber: true, consentAccepted: true });
    if (guest) {
      if (draft.consentAccepted) onEnter({ consent: { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true } });
      return;
    }
    if (validation.valid) onEnter({ safety: validation.safety, consent: validation.consent });
  }

  const locationError = errorFor('location');
  const callbackError = errorFor('callbackNumber');
  const consentError = errorFor('consentAccepted');
  const cameraShown = media.hasCamera && media.cameraOn;

  return (
    <section className="prejoin" data-testid="device-check" data-session-id={sessionId} aria-labelledby={titleId}>
      <header className="prejoin__header">
        <h1 className="page__title" id={titleId}>
          Get ready to join
        </h1>
        {sessionTitle && (
          <p className="page__lede">
            <strong>{sessionTitle}</strong>
            {sessionWhen && <> · {sessionWhen}</>}
          </p>
        )}
      </header>

      <div className="prejoin__layout">
        <div className="prejoin__panel prejoin__media">
          <h2 className="prejoin__section-title">Camera and microphone</h2>
          <div className={`preview${cameraShown ? '' : ' preview--off'}`}>
            <MediaVideo source={media.stream} className="preview__video" data-testid="preview-video" aria-label="Your camera preview" />
            {!cameraShown && (
              <p className="preview__off">
                {media.status === 'starting' ? 'Starting your camera…' : media.hasCamera ? 'Your camera is off' : 'No camera'}
              </p>
            )}
          </div>

          <div className="level" aria-hidden={!media.hasMicrophone}>
            <span className="level__label" id={`${ids.mic}-level`}>
              {starting
                ? 'Checking your microphone…'
                : !media.hasMicrophone
                  ? 'No microphone'
                  : media.micOn
                    ? 'Say something: the bar moves when we hear you'
                    : 'Your microphone is off'}
            </span>
            <LevelMeter stream={media.stream} active={media.micOn} labelledBy={`${ids.mic}-level`} />
          </div>

          <div className="prejoin__toggles" role="group" aria-label="Start with">
            <button
              type="button"
              className={`control control--compact${media.micOn ? '' : ' control--off'}`}
              data-testid="prejoin-mic"
              aria-pressed={media.micOn}
              disabled={!media.hasMicrophone}
              onClick={() => media.setMicOn(!media.micOn)}
            >
              {media.micOn ? <MicIcon /> : <MicOffIcon />}
              <span className="control__label">Microphone</span>
              <span className="control__note">{media.micOn ? 'On' : 'Off'}</span>
            </button>
            <button
              type="button"
              className={`control control--compact${media.cameraOn ? '' : ' control--off'}`}
              data-testid="prejoin-camera"
              aria-pressed={media.cameraOn}
              disabled={!media.hasCamera}
              onClick={() => media.setCameraOn(!media.cameraOn)}
            >
              {media.cameraOn ? <CameraIcon /> : <CameraOffIcon />}
              <span className="control__label">Camera</span>
              <span className="control__note">{media.cameraOn ? 'On' : 'Off'}</span>
            </button>
          </div>

          <div className="prejoin__devices">
            <div className="field">
              <label className="field__label" htmlFor={ids.camera}>
                Camera
              </label>
              <select
                id={ids.camera}
                className="field__input"
                data-testid="camera-select"
                value={media.cameraId}
                disabled={media.cameras.length === 0}
                onChange={(e) => media.chooseCamera(e.target.value)}
              >
                {media.cameras.length === 0 && <option value="">{starting ? 'Looking for cameras…' : 'No camera found'}</option>}
                {media.cameras.map((d) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor={ids.mic}>
                Microphone
              </label>
              <select
                id={ids.mic}
                className="field__input"
                data-testid="mic-select"
                value={media.microphoneId}
                disabled={media.microphones.length === 0}
                onChange={(e) => media.chooseMicrophone(e.target.value)}
              >
                {media.microphones.length === 0 && (
                  <option value="">{starting ? 'Looking for microphones…' : 'No microphone found'}</option>
                )}
                {media.microphones.map((d) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label}
                  </option>
                ))}
              </select>
            </div>
          </div>

          <label className="prejoin__option">
            <input
              type="checkbox"
              data-testid="prejoin-noise-suppression"
              checked={media.noiseSuppression}
              disabled={!media.hasMicrophone}
              onChange={(e) => media.setNoiseSuppression(e.target.checked)}
            />
            <span>
              Noise suppression <span className="prejoin__option-note">(turn off for music: it can cut out instruments and singing)</span>
            </span>
          </label>

          {media.blurAvailable && (
            <label className="prejoin__option">
              <input
                type="checkbox"
                data-testid="prejoin-blur"
                checked={media.backgroundBlur}
                onChange={(e) => media.setBackgroundBlur(e.target.checked)}
              />
              <span>
                Blur my background
                {media.blurMode === 'fallback' && (
                  <span className="prejoin__option-note"> (starts when you enter the room; done on this device)</span>
                )}
              </span>
            </label>
          )}

          {media.problem && (
            <p className="notice notice--error" role="alert" data-testid="device-problem">
              {media.problem}
            </p>
          )}
        </div>

        <form className="prejoin__panel prejoin__form form" onSubmit={submit} noValidate>
          {needsSafetyCheck && (
            <>
              {!guest && (
              <fieldset className="prejoin__fieldset">
                <legend className="prejoin__section-title">Safety check</legend>
                <p className="prejoin__help">
                  We ask at the start of every session, so your therapist can get help to you quickly if it is ever
                  needed. Only your care team sees this.
                </p>
                {previousCheck && (
                  <p className="prejoin__help" data-testid="safety-prefilled">
                    Filled in from your check at{' '}
                    {new Date(previousCheck.checkedAt).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })}. Please
                    confirm it is still right.
                  </p>
                )}
                <div className="field">
                  <label className="field__label" htmlFor={ids.location}>
                    Where are you right now?
                  </label>
                  <p className="field__hint" id={`${ids.location}-hint`}>
                    An address or a description someone could find you by, e.g. “Home, 12 Palm St, Tempe”.
                  </p>
                  <input
                    id={ids.location}
                    className="field__input"
                    data-testid="safety-location"
                    type="text"
                    autoComplete="street-address"
                    value={draft.location}
                    aria-invalid={locationError ? true : undefined}
                    aria-describedby={`${ids.location}-hint${locationError ? ` ${ids.location}-error` : ''}`}
                    onChange={(e) => update('location', e.target.value)}
                    onBlur={() => touch('location')}
                  />
                  {locationError && (
                    <p className="field__error" id={`${ids.location}-error`} data-testid="safety-location-error">
                      {locationError}
                    </p>
                  )}
                </div>
                <div className="field">
                  <label className="field__label" htmlFor={ids.callback}>
                    A phone number we can call you back on
                  </label>
                  <input
                    id={ids.callback}
                    className="field__input"
                    data-testid="safety-callback"
                    type="tel"
                    inputMode="tel"
                    autoComplete="tel"
                    value={draft.callbackNumber}
                    aria-invalid={callbackError ? true : undefined}
                    aria-describedby={callbackError ? `${ids.callback}-error` : undefined}
                    onChange={(e) => update('callbackNumber', e.target.value)}
                    onBlur={() => touch('callbackNumber')}
                  />
                  {callbackError && (
                    <p className="field__error" id={`${ids.callback}-error`} data-testid="safety-callback-error">
                      {callbackError}
                    </p>
                  )}
                </div>
              </fieldset>
              )}

              <fieldset className="prejoin__fieldset">
                <legend className="prejoin__section-title">Consent and group agreement</legend>
                <div className="consent" id={ids.consentText}>
                  <p>
                    <strong>Telehealth consent</strong> (version {CONSENT_VERSION}): your care happens over video. Your
                    therapist may end the call or call you back if the connection or your safety needs it.
                  </p>
                  <p>
                    <strong>Group agreement:</strong>
                  </p>
                  <ul>
                    <li>No recording, screenshots or photos of the session.</li>
                    <li>Join from a private space where no one else can see or hear the group.</li>
                    <li>What is shared in group stays in group.</li>
                  </ul>
                </div>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    data-testid="consent-accept"
                    checked={draft.consentAccepted}
                    aria-describedby={`${ids.consentText}${consentError ? ` ${ids.consentText}-error` : ''}`}
                    aria-invalid={consentError ? true : undefined}
                    onChange={(e) => {
                      update('consentAccepted', e.target.checked);
                      touch('consentAccepted');
                    }}
                  />
                  <span>I agree to the telehealth consent and the group agreement.</span>
                </label>
                {consentError && (
                  <p className="field__error" id={`${ids.consentText}-error`}>
                    {consentError}
                  </p>
                )}
              </fieldset>
            </>
          )}

          {!needsSafetyCheck && (
            <p className="prejoin__help">
              You will go straight into the room. Patients wait in the waiting room until you admit them.
            </p>
          )}

          {error && (
            <p className="notice notice--error" role="alert" data-testid="join-error">
              {error}
            </p>
          )}

          <div className="prejoin__actions">
            <button
              type="submit"
              className="button button--primary button--block"
              data-testid="enter-lobby"
              disabled={!ready || busy}
              aria-describedby={!ready ? ids.hint : undefined}
            >
              {busy && <span className="spinner" aria-hidden="true" />}
              {busy ? 'Joining…' : needsSafetyCheck ? 'Enter the waiting room' : 'Enter room'}
            </button>
            {!ready && (
              <p className="prejoin__hint" id={ids.hint}>
                {needsSafetyCheck && !answered
                  ? guest
                    ? 'Accept the agreement to continue.'
                    : 'Fill in where you are and a callback number, and accept the agreement, to continue.'
                  : 'Starting your camera and microphone…'}
              </p>
            )}
            {!guest && (
              <Link to="/" className="prejoin__back">
                Back to your schedule
              </Link>
            )}
          </div>
        </form>
      </div>
    </section>
  );
}

/**
 * The microphone's level bar. Its own component: the level changes a dozen
 * times a second, and only the bar has to render again, not the whole page.
 */
function LevelMeter({ stream, active, labelledBy }: { stream: MediaStream | null; active: boolean; labelledBy: string }) {
  const level = useAudioLevel(stream, active);
  return (
    <div
      className="level__track"
      role="meter"
      aria-labelledby={labelledBy}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(level * 100)}
      data-testid="mic-level"
    >
      <div className="level__fill" style={{ transform: `scaleX(${level})` }} />
    </div>
  );
}
