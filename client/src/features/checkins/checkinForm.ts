import { CHECKIN_SCALE, CHECKIN_WORD_MAX } from '@hearth/protocol';

export interface CheckinDraft {
  mood: number | null;
  craving: number | null;
  word: string;
}

export type CheckinErrors = Partial<Record<keyof CheckinDraft, string>>;

const inScale = (n: number | null) => n !== null && Number.isInteger(n) && n >= CHECKIN_SCALE.min && n <= CHECKIN_SCALE.max;

/** What stops a check-in answer from being sent; empty when it can go. */
export function validateCheckin(d: CheckinDraft): CheckinErrors {
  const errors: CheckinErrors = {};
  if (!inScale(d.mood)) errors.mood = 'Choose your mood, from 0 to 10.';
  if (!inScale(d.craving)) errors.craving = 'Choose your craving, from 0 to 10.';
  if (d.word.trim().length > CHECKIN_WORD_MAX) errors.word = `One word or a few: at most ${CHECKIN_WORD_MAX} characters.`;
  return errors;
}
