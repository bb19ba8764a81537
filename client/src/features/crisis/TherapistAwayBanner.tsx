import type { CrisisClient } from '../../facilitation/CrisisClient';
import { useStore } from '../turns/useStore';

function listOf(names: string[]): string {
  if (names.length === 0) return 'Your therapist';
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The group, when every therapist stepped into a private room: who, and that they are coming back. */
export function TherapistAwayBanner({ crisis }: { crisis: CrisisClient }) {
  const { therapistsAway } = useStore(crisis);
  if (!therapistsAway) return null;
  const who = listOf(therapistsAway);
  return (
    <p className="room__banner room__banner--info" role="status" data-testid="therapist-away">
      {who} {therapistsAway.length > 1 ? 'are' : 'is'} with someone privately and will be back shortly. The group can keep talking.
    </p>
  );
}
