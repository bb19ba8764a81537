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

/**
 * Server push to the sender (all their tabs): the highest simulcast layer (0 small … 2 full)
 * anyone now watches of that camera producer — tiles' sizes, paused consumers left out. The
 * browser stops encoding the layers above it until a push raises it again. A raise is sent
 * at once; a lowering only after it has held for a moment, so a resize or a scroll does not
 * flap the encoder.
 */
export const producerMaxLayerChangedSchema = z.object({
  sessionId: idSchema,
  producerId: idSchema,
  spatialLayer: z.number().int().min(0).max(2),
});
export type ProducerMaxLayerChanged = z.infer<typeof producerMaxLayerChangedSchema>;
