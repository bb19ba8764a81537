import { z } from 'zod';
import { idSchema } from './room';

/**
 * Forward only what is seen (Jitsi's last-N idea): a browser pauses the video
 * consumers of tiles that are off screen or in a hidden tab, and resumes them
 * when they show again. Only the caller's own consumers; audio is never paused.
 */
export const consumerVisibleSchema = z.object({
  sessionId: idSchema,
  consumerId: idSchema,
  visible: z.boolean(),
});
