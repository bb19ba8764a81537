import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { CONSENT_VERSION } from '@hearth/protocol';
import { PreJoin, type PreJoinProps } from './PreJoin';
import type { LocalMedia } from './useLocalMedia';

function fakeMedia(overrides: Partial<LocalMedia> = {}): LocalMedia {
  return {
    stream: null,
    status: 'ready',
    problem: null,
    cameras: [
      { deviceId: 'cam-1', label: 'Front camera' },
      { deviceId: 'cam-2', label: 'USB camera' },
    ],
    microphones: [{ deviceId: 'mic-1', label: 'Headset' }],
    cameraId: 'cam-1',
    microphoneId: 'mic-1',
    chooseCamera: jest.fn(),
    chooseMicrophone: jest.fn(),
    hasMicrophone: true,
    hasCamera: true,
    micOn: true,
    cameraOn: true,
    setMicOn: jest.fn(),
    setCameraOn: jest.fn(),
    noiseSuppression: true,
    setNoiseSuppression: jest.fn(),
    blurAvailable: false,
    backgroundBlur: false,
    blurMode: 'none',
    setBackgroundBlur: jest.fn(),
    release: jest.fn(),
    ...overrides,
  };
}

function renderPreJoin(props: Partial<PreJoinProps> = {}) {
  const onEnter = jest.fn();
  const media = props.media ?? fakeMedia();
  render(
    <MemoryRouter>
      <PreJoin
        sessionId="99999999-9999-4999-8999-999999999999"
        needsSafetyCheck
        sessionTitle="Evening group"
        sessionWhen={null}
        busy={false}
        error={null}
        onEnter={onEnter}
        {...props}
        media={media}
      />
    </MemoryRouter>,
  );
  return { onEnter, media };
}

describe('PreJoin for a patient', () => {
  it('keeps enter-lobby disabled until the safety check is valid and consent is given', async () => {
    const { onEnter } = renderPreJoin();
    const enter = screen.getByTestId('enter-lobby');
    expect(enter).toBeDisabled();
    expect(enter).toHaveTextContent('Enter the waiting room');

    await userEvent.type(screen.getByTestId('safety-location'), 'Home, 12 Palm St, Tempe');
    await userEvent.type(screen.getByTestId('safety-callback'), '480 555 0134');
    expect(enter).toBeDisabled();
    await userEvent.click(screen.getByTestId('consent-accept'));
    expect(enter).toBeEnabled();

    await userEvent.click(enter);
    expect(onEnter).toHaveBeenCalledWith({
      safety: { location: 'Home, 12 Palm St, Tempe', callbackNumber: '480 555 0134' },
      consent: { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true },
    });
  });

  it('pre-fills the earlier check of this session for the patient to confirm, consent still asked', async () => {
    const { onEnter } = renderPreJoin({
      previousCheck: { location: 'Home, 12 Palm St, Tempe', callbackNumber: '480 555 0134', checkedAt: '2026-11-24T18:05:00Z' },
    });
    expect(screen.getByTestId('safety-location')).toHaveValue('Home, 12 Palm St, Tempe');
    expect(screen.getByTestId('safety-callback')).toHaveValue('480 555 0134');
    expect(screen.getByTestId('safety-prefilled')).toHaveTextContent('confirm it is still right');
    expect(screen.getByTestId('enter-lobby')).toBeDisabled();
    await userEvent.clear(screen.getByTestId('safety-location'));
    await userEvent.type(screen.getByTestId('safety-location'), 'Work, 3 Mill Ave');
    await userEvent.click(screen.getByTestId('consent-accept'));
    await userEvent.click(screen.getByTestId('enter-lobby'));
    expect(onEnter).toHaveBeenCalledWith({
      safety: { location: 'Work, 3 Mill Ave', callbackNumber: '480 555 0134' },
      consent: { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true },
    });
  });

  it('keeps what was typed and ticked when the form is shown again after a failed join', async () => {
    let kept: PreJoinProps['draft'];
    const onDraftChange = (d: NonNullable<PreJoinProps['draft']>) => (kept = d);
    const first = render(
      <MemoryRouter>
        <PreJoin sessionId="s" needsSafetyCheck sessionTitle={null} sessionWhen={null} busy={false} error={null} onEnter={jest.fn()} media={fakeMedia()} onDraftChange={onDraftChange} />
      </MemoryRouter>,
    );
    await userEvent.type(screen.getByTestId('safety-location'), 'Home, 12 Palm St');
    await userEvent.type(screen.getByTestId('safety-callback'), '+1 480 555 0134');
    await userEvent.click(screen.getByTestId('consent-accept'));
    first.unmount();
    renderPreJoin({ draft: kept, error: 'No answer from the server.' });
    expect(screen.getByTestId('safety-location')).toHaveValue('Home, 12 Palm St');
    expect(screen.getByTestId('safety-callback')).toHaveValue('+1 480 555 0134');
    expect(screen.getByTestId('consent-accept')).toBeChecked();
    expect(screen.getByTestId('enter-lobby')).toBeEnabled();
  });

  it('shows inline errors once a field is left, tied to the field for screen readers', async () => {
    renderPreJoin();
    const location = screen.getByLabelText('Where are you right now?');
    const callback = screen.getByLabelText('A phone number we can call you back on');
    expect(screen.queryByTestId('safety-location-error')).toBeNull();

    await userEvent.type(location, 'x');
    await userEvent.type(callback, 'call me');
    await userEvent.tab();
    expect(screen.getByTestId('safety-location-error')).toHaveTextContent('Enter where you are right now');
    expect(location).toHaveAttribute('aria-invalid', 'true');
    expect(location).toHaveAccessibleDescription(/Enter where you are right now/);
    expect(screen.getByTestId('safety-callback-error')).toHaveTextContent('Enter a phone number we can call you back on');
    expect(callback).toHaveAccessibleDescription('Enter a phone number we can call you back on');

    await userEvent.type(location, 'yz home');
    expect(screen.queryByTestId('safety-location-error')).toBeNull();
  });

  it('shows the consent text with its version and the group agreement', () => {
    renderPreJoin();
    const consent = screen.getByTestId('consent-accept');
    expect(consent).toHaveAccessibleName('I agree to the telehealth consent and the group agreement.');
    expect(consent).toHaveAccessibleDescription(new RegExp(`version ${CONSENT_VERSION}.*No recording.*private space`));
  });

  it('lets the user choose devices and start with the microphone off', async () => {
    const { media } = renderPreJoin();
    await userEvent.selectOptions(screen.getByLabelText('Camera'), 'USB camera');
    expect(media.chooseCamera).toHaveBeenCalledWith('cam-2');
    const mic = screen.getByTestId('prejoin-mic');
    expect(mic).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(mic);
    expect(media.setMicOn).toHaveBeenCalledWith(false);
  });

  it('offers blur with the browser’s own effect or the on-device fallback (which starts in the room), not without either', async () => {
    renderPreJoin();
    expect(screen.queryByTestId('prejoin-blur')).toBeNull();
    cleanup();
    renderPreJoin({ media: fakeMedia({ blurAvailable: true, blurMode: 'native' }) });
    expect(screen.getByText('Blur my background')).toBeInTheDocument();
    expect(screen.queryByText(/starts when you enter the room/)).toBeNull();
    cleanup();
    const { media } = renderPreJoin({ media: fakeMedia({ blurAvailable: true, blurMode: 'fallback' }) });
    expect(screen.getByText(/starts when you enter the room; done on this device/)).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('prejoin-blur'));
    expect(media.setBackgroundBlur).toHaveBeenCalledWith(true);
  });

  it('explains a device problem and a failed join as alerts', () => {
    renderPreJoin({
      media: fakeMedia({ problem: 'Hearth is not allowed to use your camera or microphone.', hasCamera: false, cameras: [] }),
      error: 'This session is not open to join right now.',
    });
    const alerts = screen.getAllByRole('alert').map((a) => a.textContent);
    expect(alerts).toEqual([
      'Hearth is not allowed to use your camera or microphone.',
      'This session is not open to join right now.',
    ]);
    expect(screen.getByTestId('prejoin-camera')).toBeDisabled();
  });
});

describe('PreJoin for a therapist', () => {
  it('skips the safety check and consent, with an "Enter room" button under the same test id', async () => {
    const { onEnter } = renderPreJoin({ needsSafetyCheck: false });
    expect(screen.getByTestId('device-check')).toBeInTheDocument();
    expect(screen.queryByTestId('safety-location')).toBeNull();
    expect(screen.queryByTestId('consent-accept')).toBeNull();
    const enter = screen.getByTestId('enter-lobby');
    expect(enter).toHaveTextContent('Enter room');
    await userEvent.click(enter);
    expect(onEnter).toHaveBeenCalledWith({});
  });

  it('waits for the camera and microphone to answer before entering', () => {
    renderPreJoin({ needsSafetyCheck: false, media: fakeMedia({ status: 'starting', cameras: [], microphones: [] }) });
    expect(screen.getByTestId('enter-lobby')).toBeDisabled();
    expect(screen.getByTestId('enter-lobby')).toHaveAccessibleDescription('Starting your camera and microphone…');
    expect(screen.getByText('Checking your microphone…')).toBeInTheDocument();
  });

  it('does not enter twice while joining', async () => {
    const { onEnter } = renderPreJoin({ needsSafetyCheck: false, busy: true });
    expect(screen.getByTestId('enter-lobby')).toBeDisabled();
    expect(screen.getByTestId('enter-lobby')).toHaveTextContent('Joining…');
    expect(onEnter).not.toHaveBeenCalled();
  });
});
