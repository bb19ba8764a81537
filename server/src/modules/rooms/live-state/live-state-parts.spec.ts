import { z } from 'zod';
import { captureSessionSnapshot, parseSessionSnapshot, type LiveStatePart } from './live-state-parts';

function part<T>(key: string, order: number, schema: z.ZodType<T>, value: T | undefined): LiveStatePart<unknown> & { restored: unknown[] } {
  const restored: unknown[] = [];
  return { key, order, schema, capture: () => value, restore: (_s: string, state: unknown) => void restored.push(state), restored } as never;
}

describe('session snapshots', () => {
  const room = part('room', 0, z.object({ admitted: z.array(z.string()) }), { admitted: ['p1', 'p2'] });
  const sideRooms = part('sideRooms', 10, z.object({ patient: z.string() }), { patient: 'p2' });
  const chat = part('chat', 10, z.object({ allowed: z.boolean() }), undefined);

  it('captures the parts that have state and parses them back in restore order', () => {
    const snap = JSON.parse(JSON.stringify(captureSessionSnapshot('s', [sideRooms, room, chat])));
    expect(Object.keys(snap.parts).sort()).toEqual(['room', 'sideRooms']);
    const parsed = parseSessionSnapshot(snap, [sideRooms, room, chat]);
    if (!parsed.ok) throw new Error('did not parse');
    expect(parsed.states.map((s) => s.part.key)).toEqual(['room', 'sideRooms']);
  });

  it('refuses the whole session when one part does not parse, naming paths but never values', () => {
    const parsed = parseSessionSnapshot(
      { format: 1, parts: { room: { admitted: ['p1'] }, sideRooms: { patient: 42, note: 'SECRET' } } },
      [room, sideRooms],
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem.part).toBe('sideRooms');
    expect(parsed.problem.issues.join(' ')).toContain('patient');
    expect(JSON.stringify(parsed.problem)).not.toContain('42');
    expect(parseSessionSnapshot({ format: 99, parts: {} }, [room]).ok).toBe(false);
    expect(parseSessionSnapshot('garbage', [room]).ok).toBe(false);
  });
});
