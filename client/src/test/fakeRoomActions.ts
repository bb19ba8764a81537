import type { RoomActions } from '../features/room/RoomView';

/** RoomView's actions as resolved jest mocks, for rendering a room without a server. */
export function fakeRoomActions(): jest.Mocked<RoomActions> {
  return {
    setMic: jest.fn().mockResolvedValue(undefined),
    setCamera: jest.fn().mockResolvedValue(undefined),
    leave: jest.fn().mockResolvedValue(undefined),
    endSession: jest.fn().mockResolvedValue(undefined),
    admit: jest.fn().mockResolvedValue([]),
    mute: jest.fn().mockResolvedValue(undefined),
    unlockMic: jest.fn().mockResolvedValue(undefined),
    remove: jest.fn().mockResolvedValue(undefined),
    preferLayer: jest.fn(),
  };
}
