import type { DataSource } from 'typeorm';
import type { Role } from '@hearth/protocol';
import { hashPassword } from '../modules/auth/password';
import { User } from '../modules/users/entities/user.entity';
import { SchedulingError } from '../modules/scheduling/scheduling.error';
import { ensureDemoSchedule, type DemoScheduleSummary } from './demo-schedule';
import { ensureRoleplayScenarios } from './roleplay-scenarios';

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
  /** Whether the accounts were (re)written by this run. */
  created: boolean;
  accounts: { email: string; role: Role }[];
  password: string;
  /** The demo program and today's sessions; null when the demo accounts are not all there. */
  schedule: DemoScheduleSummary | null;
}

/**
 * Seeds the demo accounts when the database has no users, then makes sure the
 * demo program exists with a group session in progress and a 1:1 today — so a
 * restart days later still has something to join. Otherwise changes nothing.
 */
export async function seedDemo(dataSource: DataSource, opts: { force?: boolean; now?: Date } = {}): Promise<SeedSummary> {
  const users = dataSource.getRepository(User);
  await ensureRoleplayScenarios(dataSource);
  const summary = async (created: boolean): Promise<SeedSummary> => ({
    created,
    accounts: DEMO_ACCOUNTS.map(({ email, role }) => ({ email, role })),
    password: DEMO_PASSWORD,
    schedule: await ensureDemoSchedule(
      dataSource,
      {
        admin: 'admin@hearth.test',
        therapist: 'therapist@hearth.test',
        cotherapist: 'cotherapist@hearth.test',
        patients: DEMO_ACCOUNTS.filter((a) => a.role === 'patient').map((a) => a.email),
      },
      opts.now ?? new Date(),
    ).catch((e: unknown) => {
      // A demo database edited by hand (say, a booking over the live slot) must not stop the server.
      if (!(e instanceof SchedulingError)) throw e;
      process.stderr.write(`Demo sessions were not refreshed: ${e.message}\n`);
      return null;
    }),
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
