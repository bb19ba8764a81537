import type { ParticipantView } from '@hearth/protocol';
import { featuredLayer, featuredUserId, storedViewMode, storeViewMode, type FeaturedInput } from './viewLayout';

const p = (userId: string, role: ParticipantView['role'] = 'patient'): ParticipantView => ({
  userId,
  displayName: userId,
  role,
  connection: 'connected',
  micOn: true,
  cameraOn: true,
  micLocked: false,
});
const tiles = [p('me'), p('therapist', 'therapist'), p('alex'), p('sam')];
const base: FeaturedInput = { tiles, selfUserId: 'me', pinnedUserId: null, viewMode: 'grid', activeSpeakerUserId: null, lastSpeakerUserId: null };

describe('featured tile: pin and speaker view', () => {
  it('grid without a pin features nobody', () => {
    expect(featuredUserId({ ...base, activeSpeakerUserId: 'alex' })).toBeNull();
  });

  it('a pin wins in either view, and is dropped when that person is no longer on screen', () => {
    expect(featuredUserId({ ...base, pinnedUserId: 'sam' })).toBe('sam');
    expect(featuredUserId({ ...base, viewMode: 'speaker', pinnedUserId: 'sam', activeSpeakerUserId: 'alex' })).toBe('sam');
    expect(featuredUserId({ ...base, pinnedUserId: 'gone' })).toBeNull();
    expect(featuredUserId({ ...base, pinnedUserId: 'me' })).toBe('me'); // pinning yourself is your choice
  });

  it('speaker view shows who speaks, keeps the last speaker through a silence, never yourself', () => {
    const speaker = { ...base, viewMode: 'speaker' as const };
    expect(featuredUserId({ ...speaker, activeSpeakerUserId: 'alex' })).toBe('alex');
    expect(featuredUserId({ ...speaker, activeSpeakerUserId: null, lastSpeakerUserId: 'alex' })).toBe('alex');
    expect(featuredUserId({ ...speaker, activeSpeakerUserId: 'me', lastSpeakerUserId: 'sam' })).toBe('sam');
    expect(featuredUserId({ ...speaker })).toBe('therapist'); // nobody spoke yet: the first other tile
    expect(featuredUserId({ ...speaker, tiles: [p('me')] })).toBeNull(); // alone: the grid
  });

  it('the large tile asks for the full layer on a laptop-sized stage, a small one on a phone-sized one', () => {
    expect(featuredLayer({ width: 900, height: 500 })).toBe(2);
    expect(featuredLayer({ width: 0, height: 0 })).toBe(2);
    expect(featuredLayer({ width: 200, height: 110 })).toBe(0);
    expect(featuredLayer({ width: 360, height: 200 }, 2)).toBe(2);
  });

  it('remembers the view mode on this device', () => {
    localStorage.clear();
    expect(storedViewMode()).toBe('grid');
    storeViewMode('speaker');
    expect(storedViewMode()).toBe('speaker');
  });
});
