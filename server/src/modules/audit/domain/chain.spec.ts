import { checkChain, entryHash, GENESIS_HASH, type AuditFields, type ChainedEntry } from './chain';

function chain(n: number): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let prev = GENESIS_HASH;
  for (let id = 1; id <= n; id++) {
    const f: AuditFields = {
      at: new Date(Date.UTC(2026, 0, 1, 0, id)),
      actorUserId: '00000000-0000-4000-8000-000000000001',
      action: 'note.read',
      subjectUserId: null,
      objectType: 'session',
      objectId: `s${id}`,
      purpose: 'treatment',
      outcome: 'ok',
      ip: '127.0.0.1',
      userAgent: 'jest',
      details: null,
    };
    const hash = entryHash(id, prev, f);
    out.push({ ...f, id, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('audit hash chain', () => {
  it('verifies an intact chain, also across batches', () => {
    const rows = chain(5);
    expect(checkChain(rows)).toMatchObject({ ok: true, entries: 5, lastId: 5 });
    const first = checkChain(rows.slice(0, 2));
    if (!first.ok) throw new Error('first batch should verify');
    expect(checkChain(rows.slice(2), first)).toMatchObject({ ok: true, entries: 5 });
  });

  it('names the first edited entry', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, purpose: 'curiosity' };
    expect(checkChain(rows)).toMatchObject({ ok: false, firstBrokenId: 3, entries: 2 });
  });

  it('detects a deleted entry at the one after the gap', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(checkChain(rows)).toMatchObject({ ok: false, firstBrokenId: 3 });
  });

  it('detects a rewritten tail whose ids were renumbered', () => {
    const rows = chain(4);
    const forged = { ...rows[3]!, prevHash: GENESIS_HASH };
    expect(checkChain([...rows.slice(0, 3), forged])).toMatchObject({ ok: false, firstBrokenId: 4 });
  });
});
