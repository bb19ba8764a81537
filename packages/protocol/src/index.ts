/**
 * Hearth's wire contract: every HTTP body and socket event the server and the
 * client exchange is declared here once, as a zod schema plus its inferred type.
 */
export const PROTOCOL_VERSION = 1;

export * from './ack';
export * from './auth';
export * from './room';
export * from './socket';
export * from './scheduling';
export * from './chat';
export * from './turns';
export * from './checkins';
export * from './crisis';
export * from './crisis-resolution';
export * from './roleplay';
export * from './events';
export * from './records';
export * from './attendance-marks';
export * from './screenshare';
export * from './guests';
export * from './join';
export * from './viewing';
export * from './moderation';
export * from './cluster';
export * from './join-window';
export * from './mic-rules';
export * from './tile-layout';
export * from './reactions';
