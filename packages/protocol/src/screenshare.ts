import { z } from 'zod';
import { idSchema } from './room';

/**
 * Screen sharing (psychoeducation slides, worksheets): one sharer per session
 * at a time. Therapists may share; a patient (or family guest) only once a
 * therapist allows them. A new sharer replaces the current one only with a
 * therapist's say: a therapist starting a share takes over; anyone else gets
 * `screen_busy` until a therapist stops the current share.
 * The share travels as its own producer with source `screen`.
 */

export const screenSessionSchema = z.object({ sessionId: idSchema }).strict();
/** Stop your own share; a therapist may name someone else's (`userId`). */
export const screenStopSchema = z.object({ sessionId: idSchema, userId: idSchema.optional() }).strict();
/** Therapist: let a participant share (or take it back, which also stops their share). */
export const screenAllowSchema = z.object({ sessionId: idSchema, userId: idSchema, allowed: z.boolean() }).strict();

export const screenShareViewSchema = z.object({
  sessionId: idSchema,
  /** Who shares now, or null. */
  sharerUserId: idSchema.nullable(),
  startedAt: z.string().nullable(),
  /** Non-therapists a therapist has allowed to share. */
  allowedUserIds: z.array(idSchema),
});
export type ScreenShareView = z.infer<typeof screenShareViewSchema>;

export enum ScreenShareErrorCode {
  /** Only therapists, and people a therapist allowed, may share. */
  NotAllowed = 'screen_not_allowed',
  /** Someone else is sharing; a therapist decides whether to replace them. */
  Busy = 'screen_busy',
  /** Producing a screen track without having started a share. */
  NotSharing = 'screen_not_sharing',
}

/**
 * One encoding suited to text: a high bitrate ceiling at a modest frame rate,
 * so slides and worksheets stay sharp rather than smooth.
 */
export const SCREEN_SHARE_ENCODING = { maxBitrate: 1_500_000, maxFramerate: 15 } as const;
