import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ChecklistItem, RoleplaySkill, ScenarioRole } from '@hearth/protocol';

/**
 * A role-play scenario of the library. Built-in ones (no owner) every
 * therapist sees; a therapist's own only they see; one shared with a program
 * (by an admin of it) every therapist of that program sees.
 */
@Entity({ name: 'roleplay_scenarios' })
@Index(['ownerUserId'])
@Index(['sharedProgramId'])
export class RoleplayScenarioRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stable key of a seeded scenario (null for those people write). */
  @Column({ name: 'builtin_key', type: 'text', nullable: true, unique: true })
  builtinKey: string | null;

  @Column({ name: 'owner_user_id', type: 'uuid', nullable: true })
  ownerUserId: string | null;

  @Column({ name: 'shared_program_id', type: 'uuid', nullable: true })
  sharedProgramId: string | null;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  skill: RoleplaySkill;

  @Column({ type: 'text' })
  setting: string;

  @Column({ type: 'jsonb' })
  roles: ScenarioRole[];

  @Column({ type: 'jsonb' })
  goals: string[];

  @Column({ type: 'jsonb' })
  checklist: ChecklistItem[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
