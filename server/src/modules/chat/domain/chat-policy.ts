import { z } from 'zod';
import type { RoomRole } from '@hearth/protocol';
import { CommonErrorCode, ValidationError } from '../../../common/domain-error';
import { ChatError, ChatErrorCode } from '../chat.error';

export interface ChatParty {
  userId: string;
  role: RoomRole;
}

/**
 * Who may message whom privately in a session. Therapists may write to
 * anyone in it; patients to the session's therapists; patient ↔ patient only
 * while a therapist allows it.
 */
export function assertMayMessagePrivately(from: ChatParty, to: ChatParty, patientPrivateChatAllowed: boolean): void {
  if (from.userId === to.userId) {
    throw new ChatError(ChatErrorCode.RecipientNotAllowed, 'Choose someone else to message.');
  }
  if (from.role === 'therapist' || to.role === 'therapist') return;
  if (!patientPrivateChatAllowed) {
    throw new ChatError(ChatErrorCode.RecipientNotAllowed, 'Private messages go to your therapists only in this group.');
  }
}

// C0 and C1 controls except tab and newline, plus bidi overrides that can disguise text.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * The text as stored and sent: NFC, unsafe control characters removed, CRLF
 * as LF, at most three blank lines in a row. Markup is kept verbatim — it is
 * text, and clients render it as text.
 */
export function normalizeChatText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(UNSAFE_CHARS, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim();
}

/** The chat settings that outlive the process (the flood limit's buckets do not). */
export const chatRulesSnapshotSchema = z.object({ patientPrivateChatAllowed: z.boolean() });
export type ChatRulesSnapshot = z.infer<typeof chatRulesSnapshotSchema>;

/**
 * One session's chat rules as a small state machine: the patient-to-patient
 * setting, the flood limit and the recipient rules, checked before anything
 * is stored or sent.
 */
export class ChatRules {
  private patientPrivate = false;

  constructor(
    readonly sessionId: string,
    private readonly limiter: { tryTake(key: string): boolean },
  ) {}

  get patientPrivateChatAllowed(): boolean {
    return this.patientPrivate;
  }

  toSnapshot(): ChatRulesSnapshot {
    return { patientPrivateChatAllowed: this.patientPrivate };
  }

  restore(snap: ChatRulesSnapshot): void {
    this.patientPrivate = snap.patientPrivateChatAllowed;
  }

  setPatientPrivateChat(allowed: boolean): void {
    this.patientPrivate = allowed;
  }

  /** Returns the text to store, or throws (rate limit, recipient, empty after cleaning). */
  accept(from: ChatParty, to: ChatParty | null, text: string): string {
    if (!this.limiter.tryTake(`${this.sessionId}:${from.userId}`)) {
      throw new ChatError(ChatErrorCode.RateLimited, 'You are sending messages too fast. Wait a moment.');
    }
    if (to) assertMayMessagePrivately(from, to, this.patientPrivate);
    const clean = normalizeChatText(text);
    if (!clean) throw new ValidationError(CommonErrorCode.BadRequest, 'Write a message first.');
    return clean;
  }
}
