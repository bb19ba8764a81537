import type { Role } from '@hearth/protocol';

const labels: Record<Role, string> = {
  admin: 'Program admin',
  therapist: 'Therapist',
  patient: 'Patient',
  family: 'Family member',
};

/** The role as the clinic says it. */
export function roleLabel(role: Role): string {
  return labels[role];
}
