import type { CrisisAlertView, CrisisOutcome, CrisisState as CrisisStateView, SideRoomView } from '@hearth/protocol';
import { request, type HearthSocket } from '../realtime/socket';
import { requestPatiently } from '../realtime/patientRequest';
import { Store } from './Store';

export interface CrisisState {
  /** Therapists: the session's alerts, newest first. */
  alerts: CrisisAlertView[];
  /** Therapists: every side room; patients: the one they are in. */
  sideRooms: SideRoomView[];
  /** Patients: the alert they raised, until they dismiss it after it is resolved. */
  mine: MyAlert | null;
  /** The main room without a therapist (all in side rooms): their names, for "back shortly". */
  therapistsAway?: string[] | null;
  /** Therapists in a side room: they keep hearing the group. */
  listeningToGroup?: boolean;
}

/** A patient's own alert: sent → seen by a therapist → resolved. */
export interface MyAlert {
  alertId: string;
  raisedAt: string;
  acknowledgedAt: string | null;
  /** Who saw it, when the server named them. */
  acknowledgedByName?: string | null;
  resolvedAt?: string | null;
}

export type MyAlertStep = 'sent' | 'seen' | 'resolved';

/** Where a patient's alert stands, for the readable steps on their screen. */
export function stepOf(mine: MyAlert): MyAlertStep {
  return mine.resolvedAt ? 'resolved' : mine.acknowledgedAt ? 'seen' : 'sent';
}

/** Therapists: alerts still needing someone (not resolved), and the closed ones. */
export function splitAlerts(alerts: CrisisAlertView[]): { open: CrisisAlertView[]; closed: CrisisAlertView[] } {
  return { open: alerts.filter((a) => !a.resolvedAt), closed: alerts.filter((a) => a.resolvedAt) };
}

export const initialCrisisState: CrisisState = { alerts: [], sideRooms: [], mine: null, therapistsAway: null, listeningToGroup: false };

/** The crisis flag of one live session: a patient's "I need help now", therapists' alerts and side rooms. */
export class CrisisClient extends Store<CrisisState> {
  constructor(
    socket: HearthSocket,
    sessionId: string,
    /** The signed-in user, to tell "my alert" from others'. */
    private readonly selfUserId: () => string | null,
  ) {
    super(socket, sessionId, initialCrisisState);
    this.onPush('crisis:raised', (p) => this.upsertAlert(p.alert));
    this.onPush('crisis:updated', (p) => this.upsertAlert(p.alert));
    this.onPush('crisis:acknowledged', (p) => {
      const mine = this.state.mine;
      const seenBy = { acknowledgedAt: p.acknowledgedAt, acknowledgedByName: p.acknowledgedByName ?? null };
      this.patch({
        mine: mine && mine.alertId === p.alertId ? { ...mine, ...seenBy } : { alertId: p.alertId, raisedAt: p.acknowledgedAt, ...seenBy },
      });
    });
    this.onPush('crisis:therapistAway', (p) => this.patch({ therapistsAway: p.away ? p.therapistNames : null }));
    this.onPush('crisis:resolved', (p) => {
      const mine = this.state.mine;
      if (mine?.alertId === p.alertId) this.patch({ mine: { ...mine, resolvedAt: p.resolvedAt } });
    });
    this.onPush('crisis:sideRoomChanged', (p) => {
      const rest = this.state.sideRooms.filter((r) => r.patientUserId !== p.patientUserId);
      const sideRooms = p.sideRoom ? [...rest, p.sideRoom] : rest;
      // Back in the group, listening in is over (the server turned it off too).
      const self = this.selfUserId();
      const stillInOne = sideRooms.some((r) => self && r.userIds.includes(self));
      this.patch({ sideRooms, ...(stillInOne ? {} : { listeningToGroup: false }) });
    });
  }

  async refresh(): Promise<void> {
    this.applyState(await request(this.socket, 'crisis:state', { sessionId: this.sessionId }));
  }

  /** State as loaded (here or with the whole facilitation state). */
  applyState(s: CrisisStateView): void {
    const self = this.selfUserId();
    const own = s.alerts.find((a) => a.userId === self && a.raisedByUserId === self);
    this.patch({
      alerts: s.alerts,
      sideRooms: s.sideRooms,
      // A patient who came in while every therapist is in a side room: the same notice as those already there.
      ...(s.listeningToGroup !== undefined ? { listeningToGroup: s.listeningToGroup } : {}),
      ...(s.therapistsAway !== undefined ? { therapistsAway: s.therapistsAway && s.therapistsAway.length ? s.therapistsAway : null } : {}),
      mine: own
        ? { ...this.state.mine, alertId: own.id, raisedAt: own.raisedAt, acknowledgedAt: own.acknowledgedAt }
        : this.state.mine,
    });
  }

  /** Patient: "I need help now". Pressing again repeats the same alert. */
  async raise(): Promise<void> {
    const { alertId, raisedAt } = await requestPatiently(this.socket, 'crisis:raise', { sessionId: this.sessionId });
    const mine = this.state.mine;
    this.patch({ mine: mine?.alertId === alertId && !mine.resolvedAt ? mine : { alertId, raisedAt, acknowledgedAt: null } });
  }

  /** Patient: "I pressed this by mistake". Therapists still see that it was raised. */
  withdraw = async (): Promise<void> => {
    const mine = this.state.mine;
    if (!mine) return;
    await requestPatiently(this.socket, 'crisis:withdraw', { sessionId: this.sessionId, alertId: mine.alertId });
    if (this.state.mine?.alertId === mine.alertId) this.patch({ mine: null });
  };

  /** Patient: put away the "resolved" note. */
  dismissResolved = (): void => {
    if (this.state.mine?.resolvedAt) this.patch({ mine: null });
  };

  /** Therapist: close an alert with how it ended. */
  resolve = async (alertId: string, outcome: CrisisOutcome): Promise<void> => {
    this.upsertAlert(await requestPatiently(this.socket, 'crisis:resolve', { sessionId: this.sessionId, alertId, outcome }));
  };

  acknowledge = async (alertId: string): Promise<void> => {
    this.upsertAlert(await requestPatiently(this.socket, 'crisis:acknowledge', { sessionId: this.sessionId, alertId }));
  };

  /** Therapist: a private room for the patient with these therapists (default: the caller). */
  moveToSideRoom = async (userId: string, therapistUserIds?: string[]): Promise<void> => {
    const room = await requestPatiently(this.socket, 'crisis:moveToSideRoom', {
      sessionId: this.sessionId,
      userId,
      ...(therapistUserIds?.length ? { therapistUserIds } : {}),
    });
    const rest = this.state.sideRooms.filter((r) => r.patientUserId !== room.patientUserId);
    this.patch({ sideRooms: [...rest, room] });
  };

  /** Therapist in a side room: keep hearing the group's microphones (the group still does not hear the side room). */
  listenToGroup = async (on: boolean): Promise<void> => {
    const { listening } = await requestPatiently(this.socket, 'crisis:listenToGroup', { sessionId: this.sessionId, on });
    this.patch({ listeningToGroup: listening });
  };

  returnToGroup = async (userId: string): Promise<void> => {
    await requestPatiently(this.socket, 'crisis:returnToGroup', { sessionId: this.sessionId, userId });
    const sideRooms = this.state.sideRooms.filter((r) => r.patientUserId !== userId);
    const self = this.selfUserId();
    const stillInOne = sideRooms.some((r) => self && r.userIds.includes(self));
    this.patch({ sideRooms, ...(stillInOne ? {} : { listeningToGroup: false }) });
  };

  private upsertAlert(alert: CrisisAlertView): void {
    const rest = this.state.alerts.filter((a) => a.id !== alert.id);
    const alerts = [...rest, alert].sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : a.raisedAt > b.raisedAt ? -1 : 0));
    this.patch({ alerts });
  }
}
