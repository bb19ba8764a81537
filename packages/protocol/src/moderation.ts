import { z } from 'zod';
import { idSchema } from './room';

/**
 * Mute all (`moderation:muteAll`): a therapist turns every patient's
 * microphone off at once (therapists' stay as they are). Without `lock` each
 * patient may unmute again, as after their own mute; with `lock` it works like
 * `moderation:mute` for each (they cannot unmute until a therapist unlocks).
 */
export const muteAllSchema = z.object({
  sessionId: idSchema,
  lock: z.boolean().default(false),
});

/** What `moderation:muteAll` answers: who went quiet now ("8 muted"), and how many were already off. */
export const muteAllResultSchema = z.object({
  muted: z.array(idSchema),
  alreadyMuted: z.number().int().min(0),
  locked: z.boolean(),
});
export type MuteAllResult = z.infer<typeof muteAllResultSchema>;

/** To each patient a mute all changed: who muted them and whether they may unmute. */
export const mutedByTherapistPushSchema = z.object({
  sessionId: idSchema,
  byName: z.string(),
  locked: z.boolean(),
});
export type MutedByTherapistPush = z.infer<typeof mutedByTherapistPushSchema>;
