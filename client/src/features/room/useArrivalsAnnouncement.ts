import { useEffect, useRef, useState } from 'react';
import type { ParticipantView } from '@hearth/protocol';

/**
 * A sentence for a polite live region when people join or leave the room
 * ("Alex joined. Sam left."), so screen-reader users hear who is there.
 */
export function useArrivalsAnnouncement(participants: ParticipantView[], selfUserId: string | null): string {
  const previous = useRef<Map<string, string> | null>(null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    const now = new Map(participants.filter((p) => p.userId !== selfUserId).map((p) => [p.userId, p.displayName]));
    const before = previous.current;
    previous.current = now;
    if (!before) return; // the first render is the room as we found it
    const joined = [...now].filter(([id]) => !before.has(id)).map(([, name]) => `${name} joined.`);
    const left = [...before].filter(([id]) => !now.has(id)).map(([, name]) => `${name} left.`);
    if (joined.length || left.length) setMessage([...joined, ...left].join(' '));
  }, [participants, selfUserId]);
  return message;
}
