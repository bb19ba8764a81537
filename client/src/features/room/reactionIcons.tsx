import type { Reaction } from '@hearth/protocol';
import { HeartIcon, PeopleIcon, SmileIcon, ThumbsUpIcon } from './icons';

/** The icon beside each reaction's words (drawn, not an emoji: every device shows it the same). */
export const REACTION_ICONS: Record<Reaction, (p: { size?: number }) => React.JSX.Element> = {
  support: HeartIcon,
  agree: ThumbsUpIcon,
  thanks: SmileIcon,
  relate: PeopleIcon,
};
