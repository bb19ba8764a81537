import { z } from 'zod';

export const Role = {
  Admin: 'admin',
  Therapist: 'therapist',
  Patient: 'patient',
  Family: 'family',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const roleSchema = z.enum(['admin', 'therapist', 'patient', 'family']);

export const loginRequestSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const publicUserSchema = z.object({
  id: z.string().uuid(),
  role: roleSchema,
  displayName: z.string(),
});
export type PublicUser = z.infer<typeof publicUserSchema>;

export const loginResponseSchema = z.object({
  accessToken: z.string(),
  /** Single-use: `POST /api/auth/refresh {refreshToken}` returns a new pair. */
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
  user: publicUserSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  db: z.enum(['ok', 'down']),
  mediasoupWorkers: z.number().int().nonnegative(),
  /** This server process's id in a cluster. */
  nodeId: z.string(),
  /** Its operating-system process id. */
  pid: z.number().int().positive(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
