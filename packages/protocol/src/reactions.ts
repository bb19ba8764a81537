import { z } from 'zod';

/**
 * Reactions: a silent sign to the group while someone shares — support, agreement,
 * thanks, "me too" — without taking the floor or interrupting. Shown on the sender's tile
 * for a few seconds and announced to screen readers; never stored or logged.
 */
export const REACTIONS = ['support', 'agree', 'thanks', 'relate'] as const;
export const reactionSchema = z.enum(REACTIONS);
export type Reaction = z.infer<typeof reactionSchema>;

/** The words the tile shows (beside an icon) and a screen reader says. */
export const REACTION_LABELS: Record<Reaction, { label: string }> = {
  support: { label: 'Sending support' },
  agree: { label: 'Agrees' },
  thanks: { label: 'Thank you' },
  relate: { label: 'Me too' },
};

/** How long a reaction stays on the sender's tile. */
export const REACTION_SHOWN_MS = 6000;

export const reactSchema = z
  .object({
    sessionId: z.string().uuid(),
    reaction: reactionSchema,
  })
  .strict();

/** Therapist: reactions on or off for the session (every session starts with them on). */
export const reactionsAllowedSchema = z
  .object({
    sessionId: z.string().uuid(),
    allowed: z.boolean(),
  })
  .strict();

/** To everyone in the session's room, the sender included. */
export interface ReactionPush {
  sessionId: string;
  userId: string;
  reaction: Reaction;
  /** Server time (ISO), so a reaction a page hears late is not shown for its full time. */
  at: string;
}
