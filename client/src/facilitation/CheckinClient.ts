import type { CheckinAnswerView, CheckinInfo, CheckinState as CheckinStateView } from '@hearth/protocol';
import { request, type HearthSocket } from '../realtime/socket';
import { requestPatiently } from '../realtime/patientRequest';
import { Store } from './Store';

export interface MyCheckinAnswer {
  mood: number;
  craving: number;
  word: string | null;
  submittedAt: string;
}

export interface CheckinState {
  /** The open check-in, or null. */
  open: CheckinInfo | null;
  /** The check-in the answers belong to (open, or the latest closed one). */
  current: CheckinInfo | null;
  /** Patients: their own answer to the open check-in. */
  mine: MyCheckinAnswer | null;
  /** Therapists: one answer per patient, with trends; patients never receive any. */
  answers: CheckinAnswerView[];
}

export const initialCheckinState: CheckinState = { open: null, current: null, mine: null, answers: [] };

/** Private mood and craving check-ins of one live session. */
export class CheckinClient extends Store<CheckinState> {
  constructor(socket: HearthSocket, sessionId: string) {
    super(socket, sessionId, initialCheckinState);
    this.onPush('checkin:opened', (p) => this.patch({ open: p.checkin, current: p.checkin, mine: null, answers: [] }));
    this.onPush('checkin:closed', (p) =>
      this.patch({ open: this.state.open?.id === p.checkin.id ? null : this.state.open, current: p.checkin }),
    );
    this.onPush('checkin:answered', (p) => this.upsert(p.answer));
  }

  async refresh(): Promise<void> {
    this.applyState(await request(this.socket, 'checkin:state', { sessionId: this.sessionId }));
  }

  /** State as loaded (here or with the whole facilitation state). */
  applyState(s: CheckinStateView): void {
    const answers = s.answers ?? [];
    this.patch({
      open: s.open,
      current: s.open ?? this.state.current,
      mine: s.mine ?? null,
      answers,
    });
  }

  /** Therapist: open a check-in for everyone in the room. */
  async openCheckin(): Promise<void> {
    const checkin = await requestPatiently(this.socket, 'checkin:open', { sessionId: this.sessionId });
    if (this.state.open?.id !== checkin.id) this.patch({ open: checkin, current: checkin, answers: [] });
  }

  /** Therapist: close the open check-in. */
  async closeCheckin(): Promise<void> {
    const open = this.state.open;
    if (!open) return;
    const checkin = await requestPatiently(this.socket, 'checkin:close', { sessionId: this.sessionId, checkinId: open.id });
    this.patch({ open: null, current: checkin });
  }

  /** Patient: answer (or change the answer to) the open check-in. */
  async submit(answer: { mood: number; craving: number; word?: string }): Promise<void> {
    const open = this.state.open;
    if (!open) throw new Error('The check-in has closed.');
    const word = answer.word?.trim();
    const { submittedAt } = await requestPatiently(this.socket, 'checkin:submit', {
      sessionId: this.sessionId,
      checkinId: open.id,
      mood: answer.mood,
      craving: answer.craving,
      ...(word ? { word } : {}),
    });
    this.patch({ mine: { mood: answer.mood, craving: answer.craving, word: word || null, submittedAt } });
  }

  private upsert(answer: CheckinAnswerView): void {
    if (this.state.current && answer.checkinId !== this.state.current.id) return;
    const others = this.state.answers.filter((a) => a.userId !== answer.userId);
    this.patch({ answers: [...others, answer] });
  }
}
