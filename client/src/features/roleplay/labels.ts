import type { RoleplaySkill } from '@hearth/protocol';

const SKILLS: Record<RoleplaySkill, string> = {
  refusal_skills: 'Refusal skills',
  dear_man: 'DEAR MAN',
  family_conflict: 'Family conflict',
  relapse_trigger: 'Relapse trigger',
  job_interview: 'Job interview',
  boundary_setting: 'Boundary setting',
  other: 'Other',
};

export const skillLabel = (skill: RoleplaySkill): string => SKILLS[skill] ?? skill;
