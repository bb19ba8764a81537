import { CrisisErrorCode } from '../crisis.error';
import { SideRooms, sideRoomsSnapshotSchema } from './side-rooms';

const now = new Date('2026-11-24T18:30:00Z');
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('SideRooms', () => {
  it('opens one side room per patient and keeps everyone in at most one', () => {
    const rooms = new SideRooms();
    expect(rooms.open('p1', ['co'], now)).toEqual({ patientUserId: 'p1', userIds: ['p1', 'co'], since: now.toISOString() });
    expect(rooms.roomOf('co')).toBe('p1');
    expect(rooms.roomOf('p2')).toBeNull();
    expect(code(() => rooms.open('p2', ['co'], now))).toBe(CrisisErrorCode.AlreadyInSideRoom);
    expect(code(() => rooms.open('p1', ['t'], now))).toBe(CrisisErrorCode.AlreadyInSideRoom);
    expect(rooms.close('p1')).toEqual(['p1', 'co']);
    expect(code(() => rooms.close('p1'))).toBe(CrisisErrorCode.NotInSideRoom);
  });

  it('closes a side room whose patient leaves, and lets a therapist leave one', () => {
    const rooms = new SideRooms();
    rooms.open('p1', ['co', 't'], now);
    expect(rooms.leave('t')).toEqual({ closed: null, members: [] });
    expect(rooms.view('p1')?.userIds).toEqual(['p1', 'co']);
    expect(rooms.leave('p1')).toEqual({ closed: 'p1', members: ['p1', 'co'] });
    expect(rooms.all()).toEqual([]);
  });
});

describe('SideRooms snapshot', () => {
  it('keeps who is in which side room across a restart', () => {
    const rooms = new SideRooms();
    rooms.open('p1', ['t1'], now);
    rooms.open('p2', ['t2', 't3'], now);
    const back = SideRooms.fromSnapshot(sideRoomsSnapshotSchema.parse(JSON.parse(JSON.stringify(rooms.toSnapshot()))));
    expect(back.all()).toEqual(rooms.all());
    expect(back.roomOf('p1')).toBe('p1');
    expect(back.roomOf('t3')).toBe('p2');
    expect(back.roomOf('p3')).toBeNull();
    expect(code(() => back.open('p1', ['t4'], now))).toBe(CrisisErrorCode.AlreadyInSideRoom);
    expect(back.close('p2')).toEqual(['p2', 't2', 't3']);
    expect(back.isEmpty).toBe(false);
  });

  it('refuses a snapshot that does not parse', () => {
    expect(sideRoomsSnapshotSchema.safeParse({ rooms: [{ patientUserId: 'p1', since: 'yesterday' }] }).success).toBe(false);
  });
});
