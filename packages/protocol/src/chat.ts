import { z } from 'zod';
import { idSchema } from './room';

// ---------------------------------------------------------------------------
// Chat in a live session
//
// - Group messages reach everyone admitted to the room.
// - Private messages travel between two people only: a patient and one of the
//   session's therapists (either way), or a therapist and anyone. Patient ↔
//   patient private messages are refused (`chat_recipient_not_allowed`) unless
//   a therapist turns them on with `chat:setPatientPrivateChat`.
// - Text is plain text. The server stores and sends it verbatim; clients must
//   render it as text (never as HTML or Markdown that can carry markup).
// - Flooding answers `rate_limited` (nothing is stored or sent).
//
// Error codes: bad_request (empty / too long / unknown keys), not_admitted,
// not_moderator, rate_limited, chat_recipient_not_allowed,
// chat_recipient_not_found, chat_message_not_found.
// ---------------------------------------------------------------------------

/** Longest message, in characters, after trimming. */
export const CHAT_MAX_LENGTH = 2000;
/** Messages a person may send in a burst, and how fast the allowance refills. */
export const CHAT_RATE_LIMIT = { burst: 8, refillPerSecond: 1 } as const;
/** The newest messages `chat:history` returns. */
export const CHAT_HISTORY_LIMIT = 200;

export interface ChatMessage {
  id: string;
  sessionId: string;
  fromUserId: string;
  /** The sender's name as shown in this session. */
  fromDisplayName: string;
  /** `null` for a group message; the recipient of a private one. */
  toUserId: string | null;
  /** Plain text; render as text. */
  text: string;
  /** ISO time the server received it. Messages are ordered by the server, never by client clocks. */
  sentAt: string;
}

export interface ChatHistory {
  /** Group messages plus the caller's own private messages (sent or received), oldest first. Deleted ones are left out. */
  messages: ChatMessage[];
  /** Whether patients may message each other privately right now. */
  patientPrivateChatAllowed: boolean;
}

export const chatSendSchema = z
  .object({
    sessionId: idSchema,
    text: z.string().trim().min(1, 'Write a message first').max(CHAT_MAX_LENGTH, `At most ${CHAT_MAX_LENGTH} characters`),
    /** Omit for the group; a user id for a private message. */
    toUserId: idSchema.optional(),
  })
  .strict();

export const chatDeleteSchema = z.object({ sessionId: idSchema, messageId: idSchema }).strict();
export const chatHistorySchema = z.object({ sessionId: idSchema }).strict();
export const chatSetPatientPrivateSchema = z.object({ sessionId: idSchema, allowed: z.boolean() }).strict();
