import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { CHAT_MAX_LENGTH, type ParticipantView, type RoomRole } from '@hearth/protocol';
import { chatErrorText, validateChatText, type ChatClient, type ChatEntry } from '../../facilitation/ChatClient';
import { useStore } from '../turns/useStore';

export const GROUP = 'group';

export interface ChatPanelProps {
  chat: ChatClient;
  selfUserId: string | null;
  selfRole: RoomRole | null;
  participants: ParticipantView[];
  /** Messages from others not yet seen (the log is out of view); for the phones' tab badge. */
  onUnreadChange?(count: number): void;
  /** A family guest: the group chat only, no private messages. */
  groupOnly?: boolean;
}

/** Who this person may message: everyone, the therapists (patients), anyone (therapists). */
export function recipientsFor(
  selfUserId: string | null,
  selfRole: RoomRole | null,
  participants: ParticipantView[],
  patientPrivateChatAllowed: boolean,
): ParticipantView[] {
  return participants.filter(
    (p) => p.userId !== selfUserId && (selfRole === 'therapist' || p.role === 'therapist' || patientPrivateChatAllowed),
  );
}

function timeOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

/** Group chat with private messages to (and from) therapists. Text is rendered as text, never as HTML. */
export function ChatPanel({ chat, selfUserId, selfRole, participants, onUnreadChange, groupOnly = false }: ChatPanelProps) {
  const headingId = useId();
  const inputId = useId();
  const toId = useId();
  const errorId = useId();
  const { messages, patientPrivateChatAllowed, loaded } = useStore(chat);
  const [draft, setDraft] = useState('');
  const [to, setTo] = useState(GROUP);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const logRef = useRef<HTMLOListElement>(null);
  const stickToEnd = useRef(true);
  const isTherapist = selfRole === 'therapist';

  const recipients = useMemo(
    () => (groupOnly ? [] : recipientsFor(selfUserId, selfRole, participants, patientPrivateChatAllowed)),
    [groupOnly, selfUserId, selfRole, participants, patientPrivateChatAllowed],
  );
  const nameOf = (userId: string | null) =>
    userId === selfUserId ? 'you' : (participants.find((p) => p.userId === userId)?.displayName ?? 'someone who left');

  // The chosen person left, or may no longer be messaged: back to everyone.
  useEffect(() => {
    if (to !== GROUP && !recipients.some((r) => r.userId === to)) setTo(GROUP);
  }, [to, recipients]);

  // Keep the newest message in view unless the reader has scrolled up.
  useEffect(() => {
    const log = logRef.current;
    if (log && stickToEnd.current) log.scrollTop = log.scrollHeight;
  }, [messages.length]);

  // Unread: messages from others that arrived while the log was out of view (phones scroll it away).
  const [visible, setVisible] = useState(true);
  const [seen, setSeen] = useState(0);
  const fromOthers = messages.filter((m) => m.fromUserId !== selfUserId && !m.deleted).length;
  useEffect(() => {
    const log = logRef.current;
    if (!log || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => setVisible(entries.some((e) => e.isIntersecting)), { threshold: 0.3 });
    io.observe(log);
    return () => io.disconnect();
  }, []);
  useEffect(() => {
    if (visible || !loaded) setSeen(fromOthers);
  }, [visible, loaded, fromOthers]);
  const unread = Math.max(0, fromOthers - seen);
  useEffect(() => onUnreadChange?.(unread), [unread, onUnreadChange]);

  const last = messages[messages.length - 1];
  const announcement =
    last && !last.deleted && last.fromUserId !== selfUserId
      ? `${last.toUserId ? 'Private message' : 'Message'} from ${last.fromDisplayName}: ${last.text}`
      : '';

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    const problem = validateChatText(draft);
    if (problem) {
      setError(problem);
      return;
    }
    setSending(true);
    setError(null);
    try {
      await chat.send(draft, to === GROUP ? null : to);
      setDraft('');
      stickToEnd.current = true;
    } catch (err) {
      setError(chatErrorText(err));
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  const remove = (m: ChatEntry) => {
    setError(null);
    chat.remove(m.id).catch((err: unknown) => setError(chatErrorText(err)));
  };

  const over = draft.trim().length - CHAT_MAX_LENGTH;

  return (
    <section className="side-panel chat" aria-labelledby={headingId} id="room-chat">
      <h2 className="side-panel__title" id={headingId}>
        Chat
      </h2>
      <p className="sr-only" aria-live="polite" data-testid="chat-announcement">
        {announcement}
      </p>
      <ol
        className="chat__log"
        ref={logRef}
        tabIndex={0}
        aria-label="Messages"
        onScroll={(e) => {
          const el = e.currentTarget;
          stickToEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {loaded && messages.length === 0 && <li className="chat__empty">No messages yet. Say hello to the group.</li>}
        {messages.map((m) => {
          const mine = m.fromUserId === selfUserId;
          const priv = m.toUserId !== null;
          return (
            <li
              key={m.id}
              className={`chat__message${mine ? ' chat__message--mine' : ''}${priv ? ' chat__message--private' : ''}`}
              data-testid="chat-message"
              data-message-id={m.id}
              data-from-user-id={m.fromUserId}
              data-private={priv ? 'true' : undefined}
              data-deleted={m.deleted ? 'true' : undefined}
            >
              <p className="chat__meta">
                <span className="chat__from">{mine ? 'You' : m.fromDisplayName}</span>
                {priv && (
                  <span className="chat__private">
                    {mine ? `Private to ${nameOf(m.toUserId)}` : m.toUserId === selfUserId ? 'Private to you' : `Private to ${nameOf(m.toUserId)}`}
                  </span>
                )}
                <time className="chat__time" dateTime={m.sentAt}>
                  {timeOf(m.sentAt)}
                </time>
              </p>
              {m.deleted ? (
                <p className="chat__text chat__text--removed">Message removed</p>
              ) : (
                <p className="chat__text">{m.text}</p>
              )}
              {isTherapist && !m.deleted && (
                <button
                  type="button"
                  className="chat__remove"
                  data-testid="chat-delete"
                  data-message-id={m.id}
                  aria-label={`Remove message from ${mine ? 'you' : m.fromDisplayName}`}
                  title="Remove for everyone"
                  onClick={() => remove(m)}
                >
                  Remove
                </button>
              )}
            </li>
          );
        })}
      </ol>

      <form className="chat__form" onSubmit={(e) => void send(e)} noValidate>
        <div className="chat__to">
          <label htmlFor={toId}>To</label>
          <select id={toId} data-testid="chat-recipient" value={to} onChange={(e) => setTo(e.target.value)}>
            <option value={GROUP}>Everyone</option>
            {recipients.map((r) => (
              <option key={r.userId} value={r.userId}>
                {r.displayName}
                {r.role === 'therapist' ? ' (therapist, private)' : ' (private)'}
              </option>
            ))}
          </select>
        </div>
        <label htmlFor={inputId} className="sr-only">
          {to === GROUP ? 'Message to everyone' : `Private message to ${nameOf(to)}`}
        </label>
        <div className="chat__compose">
          <textarea
            id={inputId}
            className="chat__input"
            data-testid="chat-input"
            rows={2}
            value={draft}
            placeholder={to === GROUP ? 'Message everyone' : `Private message to ${nameOf(to)}`}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              if (error) setError(null);
            }}
            onKeyDown={onKeyDown}
          />
          <button type="submit" className="button button--primary button--small" data-testid="chat-send" disabled={sending}>
            Send
          </button>
        </div>
        {over > 0 && !error && <p className="chat__hint">{over} characters over the limit of {CHAT_MAX_LENGTH}.</p>}
        {error && (
          <p className="chat__error" id={errorId} role="alert" data-testid="chat-error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
