import { z } from 'zod';
import { idSchema } from './room';

// ---------------------------------------------------------------------------
// Role-play exercises (see ROLEPLAY.md)
//
// Scenario library over HTTP (`/api/roleplay/scenarios`): built-in scenarios
// every therapist sees, a therapist's own (only they see and edit them), and
// scenarios an admin shared with a whole program (its therapists see them).
//
// One exercise at a time per live session, over the socket. Every change is
// pushed to the room as `roleplay:stateChanged` with the whole public view
// (never any role's instructions); each player alone receives
// `roleplay:yourRole` with their role's instructions. `roleplay:state`
// answers both for late joiners and reconnects.
//
// Error codes: bad_request, not_admitted, not_moderator, forbidden,
// roleplay_scenario_not_found, roleplay_not_owner, roleplay_already_active,
// roleplay_no_exercise, roleplay_target_not_present, roleplay_unknown_role,
// roleplay_roles_unassigned, roleplay_scene_running, roleplay_scene_not_running,
// roleplay_not_observer, roleplay_not_a_player, roleplay_breakouts_active,
// roleplay_no_breakouts, roleplay_breakout_not_found, roleplay_bad_groups.
// ---------------------------------------------------------------------------

export const ROLEPLAY_SKILLS = [
  'refusal_skills',
  'dear_man',
  'family_conflict',
  'relapse_trigger',
  'job_interview',
  'boundary_setting',
  'other',
] as const;
export type RoleplaySkill = (typeof ROLEPLAY_SKILLS)[number];

/** Scene length the therapist may set, in seconds. */
export const SCENE_SECONDS = { min: 30, max: 30 * 60 } as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const roleKey = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'lower-case letters, digits, - and _');

export const scenarioRoleSchema = z
  .object({
    /** Stable key within the scenario (e.g. `refuser`). */
    key: roleKey,
    name: text(60),
    /** Private: only the player of this role (and therapists) ever see this. */
    instructions: text(2000),
  })
  .strict();

export const checklistItemSchema = z.object({ key: roleKey, text: text(200) }).strict();

export const scenarioBodySchema = z
  .object({
    title: text(120),
    skill: z.enum(ROLEPLAY_SKILLS),
    /** Where the scene happens, read to everyone. */
    setting: text(1000),
    roles: z
      .array(scenarioRoleSchema)
      .min(2)
      .max(4)
      .refine((r) => new Set(r.map((x) => x.key)).size === r.length, 'role keys must differ'),
    goals: z.array(text(300)).min(1).max(10),
    /** What observers look for in each player. */
    checklist: z
      .array(checklistItemSchema)
      .min(1)
      .max(12)
      .refine((c) => new Set(c.map((x) => x.key)).size === c.length, 'checklist keys must differ'),
  })
  .strict();
export type ScenarioBody = z.infer<typeof scenarioBodySchema>;

/** PATCH: any field of the body; `sharedProgramId` (admins only) shares it with a program, null unshares. */
export const scenarioPatchSchema = scenarioBodySchema
  .partial()
  .extend({ sharedProgramId: idSchema.nullable().optional() })
  .strict();
export type ScenarioPatch = z.infer<typeof scenarioPatchSchema>;

/** POST: a new scenario; admins may share it with one of their programs at once. */
export const scenarioCreateSchema = scenarioBodySchema.extend({ sharedProgramId: idSchema.nullable().optional() }).strict();
export type ScenarioCreate = z.infer<typeof scenarioCreateSchema>;

export type ScenarioScope = 'builtin' | 'own' | 'program';

export interface ScenarioRole {
  key: string;
  name: string;
  instructions: string;
}

export interface ChecklistItem {
  key: string;
  text: string;
}

/** A scenario as the library (therapists and admins) shows it, instructions included. */
export interface ScenarioView {
  id: string;
  title: string;
  skill: RoleplaySkill;
  setting: string;
  roles: ScenarioRole[];
  goals: string[];
  checklist: ChecklistItem[];
  scope: ScenarioScope;
  ownerUserId: string | null;
  sharedProgramId: string | null;
  /** The caller may PATCH it. */
  editable: boolean;
  updatedAt: string;
}

// ---------------------------------------------------------------------------
// A live exercise
// ---------------------------------------------------------------------------

export type SceneStatus = 'ready' | 'running' | 'paused' | 'ended';

export interface RoleAssignment {
  roleKey: string;
  roleName: string;
  /** Null: nobody plays it yet. */
  userId: string | null;
}

export interface BreakoutView {
  id: string;
  /** e.g. "Pair 1". */
  name: string;
  userIds: string[];
  assignments: RoleAssignment[];
  /** Therapists who dropped in. */
  therapistUserIds: string[];
}

/** Per player, per checklist item: how many observers ticked it. Never who. */
export interface DebriefView {
  round: number;
  observersResponded: number;
  players: {
    userId: string;
    roleKey: string;
    roleName: string;
    checklist: { key: string; text: string; count: number }[];
    /** Observers' notes without their authors; empty unless the therapist chose to show them. */
    notes: string[];
  }[];
}

/** The whole exercise as everyone in the room may see it: no instructions, no feedback authors. */
export interface RoleplayView {
  sessionId: string;
  exerciseId: string;
  /** Increases with every change; ignore a view older than the one you hold. */
  revision: number;
  scenario: {
    id: string;
    title: string;
    skill: RoleplaySkill;
    setting: string;
    goals: string[];
    roles: { key: string; name: string }[];
    checklist: ChecklistItem[];
  };
  /** The round being prepared or played (1 first; each replay and swap is a new round). */
  round: number;
  assignments: RoleAssignment[];
  /** Present participants who play no role. */
  observerUserIds: string[];
  scene: {
    status: SceneStatus;
    durationSeconds: number | null;
    /** ISO time the running scene ends (null unless running). */
    endsAt: string | null;
    /** Seconds left while paused (null otherwise). */
    remainingSeconds: number | null;
  };
  /** Tiles to feature for everyone (the players, while a scene runs in the main room). */
  spotlightUserIds: string[];
  /** Null: everyone is in the main room. */
  breakouts: BreakoutView[] | null;
  /** Set once the therapist shows the debrief. */
  debrief: DebriefView | null;
  /** ISO server time of this view, to correct the client's clock for the countdown. */
  serverTime: string;
}

/** Sent to one player only: the role they play (null: they play none now). */
export interface YourRole {
  sessionId: string;
  exerciseId: string;
  round: number;
  breakoutId: string | null;
  role: ScenarioRole | null;
}

export interface FeedbackView {
  playerUserId: string;
  checked: string[];
  note: string | null;
  submittedAt: string;
}

/** What `roleplay:state` answers. */
export interface RoleplayState {
  exercise: RoleplayView | null;
  /** The caller's own role with its instructions, if they play one. */
  yourRole: YourRole | null;
  /** The caller's own feedback this round (observers). */
  myFeedback: FeedbackView[];
  /** Therapists only: every role's instructions and every observer's feedback this round, with authors. */
  therapist?: {
    roles: ScenarioRole[];
    feedback: (FeedbackView & { observerUserId: string })[];
  };
}

const ref = { sessionId: idSchema };
export const roleplaySessionSchema = z.object(ref).strict();
export const roleplayStartSchema = z.object({ ...ref, scenarioId: idSchema }).strict();
export const roleplayAssignSchema = z
  .object({
    ...ref,
    /** Roles to (re)assign; null takes the role from whoever had it. Everyone without a role observes. */
    assignments: z.array(z.object({ roleKey, userId: idSchema.nullable() }).strict()).min(1).max(4),
  })
  .strict();
export const roleplayStartSceneSchema = z
  .object({ ...ref, durationSeconds: z.number().int().min(SCENE_SECONDS.min).max(SCENE_SECONDS.max) })
  .strict();
/** Without `roleKeys` every player moves on to the next role; with two keys those two players swap. */
export const roleplaySwapSchema = z.object({ ...ref, roleKeys: z.tuple([roleKey, roleKey]).optional() }).strict();
export const roleplayBreakoutsSchema = z
  .object({
    ...ref,
    /** Pairs or trios of present participants; the first members of each take the roles in order. */
    groups: z.array(z.array(idSchema).min(2).max(4)).min(1).max(8),
  })
  .strict();
/** Therapist: drop into a sub-room, or with null come back to the main room. */
export const roleplayJoinBreakoutSchema = z.object({ ...ref, breakoutId: z.string().max(40).nullable() }).strict();
export const roleplayFeedbackSchema = z
  .object({
    ...ref,
    playerUserId: idSchema,
    /** Checklist item keys the observer saw this player do. */
    checked: z.array(roleKey).max(12),
    note: z.string().trim().max(1000).nullable().optional(),
  })
  .strict();
export const roleplayDebriefSchema = z.object({ ...ref, includeNotes: z.boolean().default(false) }).strict();
