import { CHAT_MAX_LENGTH, chatSendSchema } from './chat';
import { checkinSubmitSchema } from './checkins';
import { crisisMoveSchema } from './crisis';
import { turnSessionSchema, turnTimerSchema } from './turns';

const sessionId = '6f1c1b8e-2f7a-4c1e-9d3a-0b1c2d3e4f50';
const userId = '6f1c1b8e-2f7a-4c1e-9d3a-0b1c2d3e4f51';

describe('facilitation payload schemas', () => {
  it('bounds chat messages and trims them', () => {
    expect(chatSendSchema.parse({ sessionId, text: '  hi  ' })).toEqual({ sessionId, text: 'hi' });
    expect(chatSendSchema.safeParse({ sessionId, text: 'x'.repeat(CHAT_MAX_LENGTH) }).success).toBe(true);
    expect(chatSendSchema.safeParse({ sessionId, text: 'x'.repeat(CHAT_MAX_LENGTH + 1) }).success).toBe(false);
    expect(chatSendSchema.safeParse({ sessionId, text: '   ' }).success).toBe(false);
  });

  it('refuses a user id smuggled into a payload that acts for the caller', () => {
    expect(chatSendSchema.safeParse({ sessionId, text: 'hi', fromUserId: userId }).success).toBe(false);
    expect(turnSessionSchema.safeParse({ sessionId, userId }).success).toBe(false);
    expect(checkinSubmitSchema.safeParse({ sessionId, checkinId: userId, mood: 1, craving: 1, userId }).success).toBe(false);
  });

  it('keeps scores on the 0–10 scale and turns within 1–10 minutes', () => {
    const base = { sessionId, checkinId: userId };
    expect(checkinSubmitSchema.safeParse({ ...base, mood: 0, craving: 10 }).success).toBe(true);
    expect(checkinSubmitSchema.safeParse({ ...base, mood: 2.5, craving: 1 }).success).toBe(false);
    expect(checkinSubmitSchema.safeParse({ ...base, mood: 11, craving: 1 }).success).toBe(false);
    expect(turnTimerSchema.safeParse({ sessionId, minutes: null }).success).toBe(true);
    expect(turnTimerSchema.safeParse({ sessionId, minutes: 0 }).success).toBe(false);
    expect(turnTimerSchema.safeParse({ sessionId, minutes: 10 }).success).toBe(true);
  });

  it('moves a patient with one to four therapists', () => {
    expect(crisisMoveSchema.safeParse({ sessionId, userId }).success).toBe(true);
    expect(crisisMoveSchema.safeParse({ sessionId, userId, therapistUserIds: [] }).success).toBe(false);
  });
});
