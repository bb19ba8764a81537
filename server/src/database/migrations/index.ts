import { Accounts1732400000000 } from './1732400000000-Accounts';
import { Scheduling1740000000000 } from './1740000000000-Scheduling';
import { LiveRooms1764000000000 } from './1764000000000-LiveRooms';

/** Applied in order at start-up; never edit one that has shipped — add a new one. */
export const MIGRATIONS = [Accounts1732400000000, Scheduling1740000000000, LiveRooms1764000000000];
