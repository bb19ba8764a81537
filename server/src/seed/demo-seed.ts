import type { DataSource } from 'typeorm';
import type { Role } from '@hearth/protocol';
import { hashPassword } from '../modules/auth/password';
import { User } from '../modules/users/entities/user.entity';

/** Demo only; printed at start. Never used outside the demo seed. */
export const DEMO_PASSWORD = 'hearth-demo';

interface DemoAccount {
  email: string;
  role: Role;
  firstName: string;
  lastName: string;
}

const PATIENT_NAMES: [string, string][] = [
  ['Alex', 'Rivera'],
  ['Jordan', 'Lee'],
  ['Sam', 'Okafor'],
  ['Taylor', 'Nguyen'],
  ['Morgan', 'Brooks'],
  ['Casey', 'Patel'],
  ['Riley', 'Martinez'],
  ['Jamie', 'Cohen'],
];

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'admin@hearth.test', role: 'admin', firstName: 'Dana', lastName: 'Whitfield' },
  { email: 'therapist@hearth.test', role: 'therapist', firstName: 'Maya', lastName: 'Ellison' },
  { email: 'cotherapist@hearth.test', role: 'therapist', firstName: 'Chris', lastName: 'Navarro' },
  ...PATIENT_NAMES.map(([firstName, lastName], i) => ({
    email: `patient${i + 1}@hearth.test`,
    role: 'patient' as const,
    firstName,
    lastName,
  })),
];

export interface SeedSummary {
  created: boolean;
  accounts: { email: string; role: Role }[];
  password: string;
}

/** Seeds the demo accounts when the database has no users; a second run changes nothing. */
export async function seedDemo(dataSource: DataSource, opts: { force?: boolean } = {}): Promise<SeedSummary> {
  const users = dataSource.getRepository(User);
  const summary = (created: boolean): SeedSummary => ({
    created,
    accounts: DEMO_ACCOUNTS.map(({ email, role }) => ({ email, role })),
    password: DEMO_PASSWORD,
  });
  if (!opts.force && (await users.count()) > 0) return summary(false);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await dataSource.transaction(async (tx) => {
    for (const a of DEMO_ACCOUNTS) {
      await tx
        .createQueryBuilder()
        .insert()
        .into(User)
        .values({ ...a, passwordHash, disabledAt: null })
        .orUpdate(['password_hash', 'role', 'first_name', 'last_name'], ['email'])
        .execute();
    }
  });
  return summary(true);
}
