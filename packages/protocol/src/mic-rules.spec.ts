import { floorAllowsMic, micHold, MIC_HOLD_NOTES, MIC_HOLDS, sceneAllowsMic } from './mic-rules';

const patient = (userId: string) => ({ userId, role: 'patient' as const, inPartition: false, lockedByTherapist: false });

describe('who may unmute (shared by server and client)', () => {
  it('lets everyone unmute with no stick, no scene and no lock', () => {
    expect(micHold(patient('p1'))).toBeNull();
    expect(floorAllowsMic(null, 'p1', 'patient')).toBe(true);
    expect(sceneAllowsMic([], 'p1', 'patient')).toBe(true);
  });

  it('holds patients without the talking stick, never its holder or a therapist', () => {
    const floor = { talkingStick: true, holderUserId: 'p2' };
    expect(micHold({ ...patient('p1'), floor })).toBe('talking_stick');
    expect(micHold({ ...patient('p2'), floor })).toBeNull();
    expect(micHold({ ...patient('t'), role: 'therapist', floor })).toBeNull();
    expect(micHold({ ...patient('p1'), floor: { talkingStick: false, holderUserId: 'p2' } })).toBeNull();
  });

  it('holds observers while a main-room scene runs, not its players', () => {
    const spotlightUserIds = ['p2', 'p3'];
    expect(micHold({ ...patient('p1'), spotlightUserIds })).toBe('scene');
    expect(micHold({ ...patient('p2'), spotlightUserIds })).toBeNull();
    expect(micHold({ ...patient('t'), role: 'therapist', spotlightUserIds })).toBeNull();
  });

  it('lets the stick and the scene stop at a side room or sub-room door; the therapist’s lock does not', () => {
    const floor = { talkingStick: true, holderUserId: 'p2' };
    const inSideRoom = { ...patient('p1'), inPartition: true, floor, spotlightUserIds: ['p3'] };
    expect(micHold(inSideRoom)).toBeNull();
    expect(micHold({ ...inSideRoom, lockedByTherapist: true })).toBe('therapist_lock');
  });

  it('names the group rule first when a gated microphone also shows as locked', () => {
    const floor = { talkingStick: true, holderUserId: 'p2' };
    expect(micHold({ ...patient('p1'), lockedByTherapist: true, floor, spotlightUserIds: ['p3'] })).toBe('talking_stick');
    expect(micHold({ ...patient('p1'), lockedByTherapist: true, spotlightUserIds: ['p3'] })).toBe('scene');
    expect(micHold({ ...patient('p1'), lockedByTherapist: true })).toBe('therapist_lock');
  });

  it('has a note for every hold', () => {
    for (const h of MIC_HOLDS) expect(MIC_HOLD_NOTES[h].length).toBeGreaterThan(0);
  });
});
