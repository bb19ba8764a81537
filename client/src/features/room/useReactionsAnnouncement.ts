import { useEffect, useRef, useState } from 'react';
import { REACTION_LABELS, type ParticipantView } from '@hearth/protocol';
import type { RoomState } from '../../media/roomState';

/**
 * A sentence for a polite live region when someone reacts ("Alex: Me too."), so a
 * screen-reader user hears what the tiles show. One's own reaction is not read back.
 */
export function useReactionsAnnouncement(reactions: RoomState['reactions'], participants: ParticipantView[], selfUserId: string | null): string {
  const seen = useRef(new Map<string, number>());
  const [message, setMessage] = useState('');
  useEffect(() => {
    const news: string[] = [];
    for (const [userId, { reaction, id }] of Object.entries(reactions)) {
      if (seen.current.get(userId) === id) continue;
      seen.current.set(userId, id);
      if (userId === selfUserId) continue;
      const name = participants.find((p) => p.userId === userId)?.displayName ?? 'Someone';
      news.push(`${name}: ${REACTION_LABELS[reaction].label}.`);
    }
    if (news.length) setMessage(news.join(' '));
  }, [reactions, participants, selfUserId]);
  return message;
}
