import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { ParticipantView, RoomRole } from '@hearth/protocol';
import { initialRoomState, type RoomState } from '../../media/roomState';
import { RoomView, type RoomActions } from './RoomView';

const resolved = () => Promise.resolve();

/** Actions that do nothing: the rehearsal's room talks to nobody. */
const idleActions: RoomActions = {
  setMic: resolved,
  setCamera: resolved,
  leave: resolved,
  endSession: resolved,
  admit: resolved,
  mute: resolved,
  unlockMic: resolved,
  remove: resolved,
  preferLayer: () => undefined,
  setVideoVisible: () => undefined,
};

/** A room as the user would first see it: themselves, a therapist and another patient, cameras on. */
export function rehearsalState(role: RoomRole): RoomState {
  const person = (userId: string, displayName: string, r: RoomRole): ParticipantView => ({
    userId,
    displayName,
    role: r,
    connection: 'connected',
    micOn: true,
    cameraOn: true,
    micLocked: false,
  });
  return {
    ...initialRoomState,
    phase: 'in-room',
    connection: 'connected',
    selfUserId: 'rehearsal-self',
    selfRole: role,
    participants: [
      person('rehearsal-self', 'You', role),
      person('rehearsal-therapist', 'Therapist', 'therapist'),
      person('rehearsal-patient', 'Patient', 'patient'),
    ],
    micOn: true,
    cameraOn: true,
  };
}

let rehearsed = false;

/**
 * Renders the room once, off the page, while the user is still on the pre-join page or in the
 * waiting room, then throws it away. Nothing of it is seen, focused or sent (a detached element,
 * actions that do nothing, no facilitation); what stays is the browser's work on the code:
 * the room's components and React's paths for them are compiled and warm when the real room
 * renders on entering or admission. On a busy 2-core machine that first render held the page's
 * main thread for about 100 ms, and the first remote picture waited behind it.
 *
 * Once per page load, in idle time, in browsers only (jsdom has no requestIdleCallback).
 */
export function scheduleRoomRehearsal(role: RoomRole): () => void {
  if (rehearsed || typeof window === 'undefined' || typeof window.requestIdleCallback !== 'function') return () => undefined;
  const handle = window.requestIdleCallback(
    () => {
      if (rehearsed) return;
      rehearsed = true;
      rehearseRoom(role);
    },
    { timeout: 3000 },
  );
  return () => window.cancelIdleCallback(handle);
}

/** One render and commit of the room in a detached element, unmounted at once. */
export function rehearseRoom(role: RoomRole): void {
  const host = document.createElement('div');
  const root = createRoot(host);
  try {
    flushSync(() => root.render(<RoomView state={rehearsalState(role)} actions={idleActions} hasMicrophone hasCamera facilitation={null} />));
  } finally {
    root.unmount();
  }
}
