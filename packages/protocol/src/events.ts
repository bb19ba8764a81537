import { z, type ZodTypeAny } from 'zod';
import type { ClientToServerEvents } from './socket';
import { chatDeleteSchema, chatHistorySchema, chatSendSchema, chatSetPatientPrivateSchema } from './chat';
import { checkinRefSchema, checkinSessionSchema, checkinSubmitSchema } from './checkins';
import { crisisListenSchema, crisisResolveSchema, crisisWithdrawSchema } from './crisis-resolution';
import { crisisAlertRefSchema, crisisMoveSchema, crisisReturnSchema, crisisSessionSchema } from './crisis';
import { roleplayAssignSchema, roleplayBreakoutsSchema, roleplayDebriefSchema, roleplayFeedbackSchema, roleplayJoinBreakoutSchema, roleplaySessionSchema, roleplayStartSceneSchema, roleplayStartSchema, roleplaySwapSchema } from './roleplay';
import { admitSchema, connectTransportSchema, consumerRefSchema, createTransportSchema, preferredLayersSchema, produceSchema, restartIceSchema, roomJoinSchema, selfMediaSchema, sessionRefSchema, setRtpCapabilitiesSchema, targetUserSchema } from './room';
import { facilitationStateSchema, mediaCapabilitiesSchema, mediaPrepareSchema, mediaWarmSchema } from './join';
import { consumerVisibleSchema } from './viewing';
import { muteAllSchema } from './moderation';
import { screenAllowSchema, screenSessionSchema, screenStopSchema } from './screenshare';
import { reactionsAllowedSchema, reactSchema } from './reactions';
import { turnGrantSchema, turnLowerHandSchema, turnSessionSchema, turnTalkingStickSchema, turnTimerSchema } from './turns';

/** `system:ping` takes an empty object. */
export const systemPingSchema = z.object({}).strict();

/**
 * Every client → server event with the schema its payload is validated with:
 * the runtime list of the socket contract. `satisfies` makes a new event in
 * `ClientToServerEvents` without an entry here a type error, so tests generated
 * from this list (fuzzing, the authorization matrix) cover every event.
 */
export const clientEventSchemas = {
  'chat:send': chatSendSchema,
  'chat:delete': chatDeleteSchema,
  'chat:history': chatHistorySchema,
  'chat:setPatientPrivateChat': chatSetPatientPrivateSchema,
  'checkin:open': checkinSessionSchema,
  'checkin:submit': checkinSubmitSchema,
  'checkin:close': checkinRefSchema,
  'checkin:state': checkinSessionSchema,
  'crisis:raise': crisisSessionSchema,
  'crisis:acknowledge': crisisAlertRefSchema,
  'crisis:moveToSideRoom': crisisMoveSchema,
  'crisis:returnToGroup': crisisReturnSchema,
  'crisis:state': crisisSessionSchema,
  'system:ping': systemPingSchema,
  'roleplay:state': roleplaySessionSchema,
  'roleplay:start': roleplayStartSchema,
  'roleplay:assign': roleplayAssignSchema,
  'roleplay:startScene': roleplayStartSceneSchema,
  'roleplay:pauseScene': roleplaySessionSchema,
  'roleplay:resumeScene': roleplaySessionSchema,
  'roleplay:endScene': roleplaySessionSchema,
  'roleplay:swapRoles': roleplaySwapSchema,
  'roleplay:startBreakouts': roleplayBreakoutsSchema,
  'roleplay:joinBreakout': roleplayJoinBreakoutSchema,
  'roleplay:returnEveryone': roleplaySessionSchema,
  'roleplay:submitFeedback': roleplayFeedbackSchema,
  'roleplay:showDebrief': roleplayDebriefSchema,
  'roleplay:end': roleplaySessionSchema,
  'room:join': roomJoinSchema,
  'room:leave': sessionRefSchema,
  'room:end': sessionRefSchema,
  'room:react': reactSchema,
  'room:setReactionsAllowed': reactionsAllowedSchema,
  'lobby:admit': admitSchema,
  'moderation:mute': targetUserSchema,
  'moderation:unlockMic': targetUserSchema,
  'moderation:remove': targetUserSchema,
  'media:setRtpCapabilities': setRtpCapabilitiesSchema,
  'media:createTransport': createTransportSchema,
  'media:connectTransport': connectTransportSchema,
  'media:restartIce': restartIceSchema,
  'media:produce': produceSchema,
  'media:resumeConsumer': consumerRefSchema,
  'media:setPreferredLayers': preferredLayersSchema,
  'media:setSelf': selfMediaSchema,
  'turn:state': turnSessionSchema,
  'turn:raiseHand': turnSessionSchema,
  'turn:lowerHand': turnLowerHandSchema,
  'turn:grant': turnGrantSchema,
  'turn:grantNext': turnSessionSchema,
  'turn:release': turnSessionSchema,
  'turn:setTalkingStick': turnTalkingStickSchema,
  'turn:setTimer': turnTimerSchema,
  'turn:startGoAround': turnSessionSchema,
  'turn:stopGoAround': turnSessionSchema,
  'turn:pass': turnSessionSchema,
  'screen:state': screenSessionSchema,
  'screen:start': screenSessionSchema,
  'screen:stop': screenStopSchema,
  'screen:allow': screenAllowSchema,
  'media:capabilities': mediaCapabilitiesSchema,
  'media:setConsumerVisible': consumerVisibleSchema,
  'media:prepare': mediaPrepareSchema,
  'media:warm': mediaWarmSchema,
  'facilitation:state': facilitationStateSchema,
  'crisis:withdraw': crisisWithdrawSchema,
  'crisis:listenToGroup': crisisListenSchema,
  'crisis:resolve': crisisResolveSchema,
  'moderation:muteAll': muteAllSchema,
} satisfies Record<keyof ClientToServerEvents, ZodTypeAny>;

export type ClientEventName = keyof ClientToServerEvents;
/** The names of every client → server event, in protocol order. */
export const CLIENT_EVENTS = Object.keys(clientEventSchemas) as ClientEventName[];

export function isClientEvent(name: unknown): name is ClientEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(clientEventSchemas, name);
}
