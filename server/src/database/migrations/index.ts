import { Accounts1732400000000 } from './1732400000000-Accounts';
import { Scheduling1740000000000 } from './1740000000000-Scheduling';
import { LiveRooms1764000000000 } from './1764000000000-LiveRooms';
import { Facilitation1765000000000 } from './1765000000000-Facilitation';
import { Roleplay1766000000000 } from './1766000000000-Roleplay';
import { Records1770000000000 } from './1770000000000-Records';
import { LiveSessionState1771000000000 } from './1771000000000-LiveSessionState';
import { FamilyGuests1772000000000 } from './1772000000000-FamilyGuests';
import { RefreshTokenReuse1773000000000 } from './1773000000000-RefreshTokenReuse';
import { CrisisResolution1775100000000 } from './1775100000000-CrisisResolution';
import { ProgramTracks1775200000000 } from './1775200000000-ProgramTracks';
import { ProgramLateAfter1775300000000 } from './1775300000000-ProgramLateAfter';

/** Applied in order at start-up; never edit one that has shipped — add a new one. */
export const MIGRATIONS = [
  Accounts1732400000000,
  Scheduling1740000000000,
  LiveRooms1764000000000,
  Facilitation1765000000000,
  Roleplay1766000000000,
  Records1770000000000,
  LiveSessionState1771000000000,
  FamilyGuests1772000000000,
  RefreshTokenReuse1773000000000,
  CrisisResolution1775100000000,
  ProgramTracks1775200000000,
  ProgramLateAfter1775300000000,
];
