import { Accounts1732400000000 } from './1732400000000-Accounts';

/** Applied in order at start-up; never edit one that has shipped — add a new one. */
export const MIGRATIONS = [Accounts1732400000000];
