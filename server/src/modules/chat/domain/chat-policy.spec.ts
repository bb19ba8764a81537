import { ChatErrorCode } from '../chat.error';
import { assertMayMessagePrivately, ChatRules, chatRulesSnapshotSchema, normalizeChatText } from './chat-policy';
import { RateLimiter } from '../../../common/rate-limiter';

const t = { userId: 't', role: 'therapist' as const };
const p1 = { userId: 'p1', role: 'patient' as const };
const p2 = { userId: 'p2', role: 'patient' as const };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('chat policy', () => {
  it('lets patients and therapists message each other privately, both ways', () => {
    expect(code(() => assertMayMessagePrivately(p1, t, false))).toBeUndefined();
    expect(code(() => assertMayMessagePrivately(t, p1, false))).toBeUndefined();
  });

  it('refuses patient ↔ patient private messages unless a therapist allows them', () => {
    expect(code(() => assertMayMessagePrivately(p1, p2, false))).toBe(ChatErrorCode.RecipientNotAllowed);
    expect(code(() => assertMayMessagePrivately(p1, p2, true))).toBeUndefined();
    expect(code(() => assertMayMessagePrivately(p1, p1, true))).toBe(ChatErrorCode.RecipientNotAllowed);
  });

  it('keeps markup as text but strips control and bidi-override characters', () => {
    expect(normalizeChatText('  <b>hi</b>\u0007\u202E  ')).toBe('<b>hi</b>');
    expect(normalizeChatText('a\r\n\n\n\n\n\nb')).toBe('a\n\n\nb');
  });
});

describe('RateLimiter', () => {
  it('allows a burst, refuses the flood, and refills with time', () => {
    let now = 0;
    const limiter = new RateLimiter(3, 1, () => now);
    expect([1, 2, 3, 4].map(() => limiter.tryTake('a'))).toEqual([true, true, true, false]);
    expect(limiter.tryTake('b')).toBe(true); // buckets are per key
    now += 999;
    expect(limiter.tryTake('a')).toBe(false);
    now += 1;
    expect(limiter.tryTake('a')).toBe(true);
    now += 60_000;
    expect([1, 2, 3, 4].map(() => limiter.tryTake('a'))).toEqual([true, true, true, false]);
  });
});

describe('ChatRules', () => {
  it('refuses a flood with rate_limited and a patient-to-patient message until allowed', () => {
    let now = 0;
    const rules = new ChatRules('s', new RateLimiter(2, 1, () => now));
    expect(rules.accept(p1, null, ' hi ')).toBe('hi');
    expect(code(() => rules.accept(p1, p2, 'psst'))).toBe(ChatErrorCode.RecipientNotAllowed);
    expect(code(() => rules.accept(p1, null, 'again'))).toBe(ChatErrorCode.RateLimited);
    expect(rules.accept(t, null, 'therapists have their own allowance')).toBeTruthy();
    now += 5000;
    rules.setPatientPrivateChat(true);
    expect(rules.accept(p1, p2, 'psst')).toBe('psst');
  });
});

describe('ChatRules snapshot', () => {
  it('keeps the patient-to-patient setting across a restart', () => {
    const rules = new ChatRules('s', new RateLimiter(5, 1));
    rules.setPatientPrivateChat(true);
    const back = new ChatRules('s', new RateLimiter(5, 1));
    back.restore(chatRulesSnapshotSchema.parse(JSON.parse(JSON.stringify(rules.toSnapshot()))));
    expect(back.patientPrivateChatAllowed).toBe(true);
    expect(back.accept(p1, p2, 'hi')).toBe('hi');
  });
});
