import { CHAT_MAX_LENGTH, type ChatHistory, type ChatMessage } from '@hearth/protocol';
import { request, RequestError, type HearthSocket } from '../realtime/socket';
import { requestPatiently } from '../realtime/patientRequest';
import { Store } from './Store';

/** A message as the chat shows it: deleted ones stay in place as "message removed". */
export interface ChatEntry extends ChatMessage {
  deleted: boolean;
}

export interface ChatState {
  /** Oldest first, in server order. */
  messages: ChatEntry[];
  patientPrivateChatAllowed: boolean;
  /** History has been loaded at least once. */
  loaded: boolean;
}

export const initialChatState: ChatState = { messages: [], patientPrivateChatAllowed: false, loaded: false };

/** Words for the errors a sender can meet; the server's own message otherwise. */
export function chatErrorText(e: unknown): string {
  if (e instanceof RequestError) {
    switch (e.code) {
      case 'rate_limited':
        return 'You are sending messages quickly. Wait a moment, then try again.';
      case 'chat_recipient_not_allowed':
        return 'You can’t message that person privately. Choose Everyone or a therapist.';
      case 'chat_recipient_not_found':
        return 'That person is no longer in the room.';
      case 'timeout':
        return 'Your message did not go through. Check your connection and try again.';
      default:
        return e.message;
    }
  }
  return e instanceof Error ? e.message : 'Your message did not go through.';
}

/** Checks a draft the way the server will; returns the problem, or null. */
export function validateChatText(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return 'Write a message first.';
  if (trimmed.length > CHAT_MAX_LENGTH) return `Messages can be at most ${CHAT_MAX_LENGTH} characters (this one has ${trimmed.length}).`;
  return null;
}

/** Group and private chat of one live session: history on entering, pushes on top. No React inside. */
export class ChatClient extends Store<ChatState> {
  constructor(socket: HearthSocket, sessionId: string) {
    super(socket, sessionId, initialChatState);
    this.onPush('chat:messageSent', (p) => this.add(p.message));
    this.onPush('chat:messageDeleted', (p) => this.markDeleted(p.messageId));
    this.onPush('chat:settingsChanged', (p) => this.patch({ patientPrivateChatAllowed: p.patientPrivateChatAllowed }));
  }

  /** Loads history (on entering and after every reconnect); replaces what we had. */
  async refresh(): Promise<void> {
    this.applyHistory(await request(this.socket, 'chat:history', { sessionId: this.sessionId }));
  }

  /** History as loaded (here or with the whole facilitation state); replaces what we had. */
  applyHistory(h: ChatHistory): void {
    this.patch({
      messages: h.messages.map((m) => ({ ...m, deleted: false })),
      patientPrivateChatAllowed: h.patientPrivateChatAllowed,
      loaded: true,
    });
  }

  /** Sends to the group (`toUserId` null) or privately. Rejects with a RequestError the UI can word. */
  async send(text: string, toUserId: string | null): Promise<ChatMessage> {
    const problem = validateChatText(text);
    if (problem) throw new RequestError('chat:send', 'bad_request', problem);
    const message = await requestPatiently(this.socket, 'chat:send', {
      sessionId: this.sessionId,
      text: text.trim(),
      ...(toUserId ? { toUserId } : {}),
    });
    this.add(message);
    return message;
  }

  /** Therapist: remove a message for everyone who received it. */
  async remove(messageId: string): Promise<void> {
    await requestPatiently(this.socket, 'chat:delete', { sessionId: this.sessionId, messageId });
    this.markDeleted(messageId);
  }

  /** Therapist: allow or stop private messages between patients. */
  async setPatientPrivateChat(allowed: boolean): Promise<void> {
    const r = await requestPatiently(this.socket, 'chat:setPatientPrivateChat', { sessionId: this.sessionId, allowed });
    this.patch({ patientPrivateChatAllowed: r.patientPrivateChatAllowed });
  }

  private add(message: ChatMessage): void {
    const list = this.state.messages;
    // The ack and the push both carry our own message: keep one.
    if (list.some((m) => m.id === message.id)) return;
    const entry = { ...message, deleted: false };
    // Server order: pushes arrive in order, but an ack may overtake a push.
    let i = list.length;
    while (i > 0 && list[i - 1]!.sentAt > message.sentAt) i--;
    this.patch({ messages: [...list.slice(0, i), entry, ...list.slice(i)] });
  }

  private markDeleted(messageId: string): void {
    if (!this.state.messages.some((m) => m.id === messageId && !m.deleted)) return;
    this.patch({ messages: this.state.messages.map((m) => (m.id === messageId ? { ...m, text: '', deleted: true } : m)) });
  }
}
