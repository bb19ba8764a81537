import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  turnGrantSchema,
  turnLowerHandSchema,
  turnSessionSchema,
  turnTalkingStickSchema,
  turnTimerSchema,
  type Ack,
  type FloorView,
} from '@hearth/protocol';
import { TurnsService } from '../turns/turns.service';
import { handleRequest } from './ack';
import type { HearthSocket } from './realtime.gateway';

/** Turn-taking events. Thin: validate, caller from the handshake (never the payload), TurnsService, ack with the floor. */
@WebSocketGateway()
export class TurnsGateway {
  constructor(private readonly turns: TurnsService) {}

  @SubscribeMessage('turn:state')
  state(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:state', turnSessionSchema, p, (r) => this.turns.state(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('turn:raiseHand')
  raiseHand(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:raiseHand', turnSessionSchema, p, (r) => this.turns.raiseHand(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('turn:lowerHand')
  lowerHand(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:lowerHand', turnLowerHandSchema, p, (r) => this.turns.lowerHand(s.data.userId, r.sessionId, r.userId));
  }

  @SubscribeMessage('turn:grant')
  grant(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:grant', turnGrantSchema, p, (r) => this.turns.grant(s.data.userId, r.sessionId, r.userId));
  }

  @SubscribeMessage('turn:grantNext')
  grantNext(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:grantNext', turnSessionSchema, p, (r) => this.turns.grantNext(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('turn:release')
  release(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:release', turnSessionSchema, p, (r) => this.turns.release(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('turn:setTalkingStick')
  setTalkingStick(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:setTalkingStick', turnTalkingStickSchema, p, (r) => this.turns.setTalkingStick(s.data.userId, r.sessionId, r.on));
  }

  @SubscribeMessage('turn:setTimer')
  setTimer(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:setTimer', turnTimerSchema, p, (r) => this.turns.setTimer(s.data.userId, r.sessionId, r.minutes));
  }

  @SubscribeMessage('turn:startGoAround')
  startGoAround(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:startGoAround', turnSessionSchema, p, (r) => this.turns.startGoAround(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('turn:stopGoAround')
  stopGoAround(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:stopGoAround', turnSessionSchema, p, (r) => this.turns.stopGoAround(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('turn:pass')
  pass(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FloorView>> {
    return handleRequest('turn:pass', turnSessionSchema, p, (r) => this.turns.pass(s.data.userId, r.sessionId));
  }
}
