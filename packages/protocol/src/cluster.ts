import { z } from 'zod';

/**
 * Where a live session is hosted: `GET /api/sessions/:id/placement` (the
 * session's therapists or a program admin). `nodeId` is absent when no node
 * hosts it (nobody has opened the room, or it ended).
 */
export const placementResponseSchema = z.object({ nodeId: z.string().optional() });
export type PlacementResponse = z.infer<typeof placementResponseSchema>;

/**
 * Pushed to every socket of a server process that is going away (SIGTERM,
 * deploy): the connection will drop; clients reconnect by themselves and are
 * put back where they were.
 */
export const serverRestartingSchema = z.object({ reason: z.string() });
export type ServerRestarting = z.infer<typeof serverRestartingSchema>;
