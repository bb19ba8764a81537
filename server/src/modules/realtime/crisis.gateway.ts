import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  crisisAlertRefSchema,
  crisisListenSchema,
  crisisMoveSchema,
  crisisReturnSchema,
  crisisResolveSchema,
  crisisSessionSchema,
  crisisWithdrawSchema,
  type Ack,
  type CrisisAlertView,
  type CrisisState,
  type SideRoomView,
} from '@hearth/protocol';
import { CrisisService } from '../crisis/crisis.service';
import { TurnsService } from '../turns/turns.service';
import { handleRequest } from './ack';
import type { HearthSocket } from './realtime.gateway';

type Empty = Record<string, never>;

/** Crisis events. Thin: validate, caller from the handshake (never the payload), CrisisService, ack. */
@WebSocketGateway()
export class CrisisGateway {
  constructor(
    private readonly crisis: CrisisService,
    private readonly turns: TurnsService,
  ) {}

  @SubscribeMessage('crisis:raise')
  raise(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<{ alertId: string; raisedAt: string }>> {
    return handleRequest('crisis:raise', crisisSessionSchema, p, (r) => this.crisis.raise(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('crisis:acknowledge')
  acknowledge(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<CrisisAlertView>> {
    return handleRequest('crisis:acknowledge', crisisAlertRefSchema, p, (r) =>
      this.crisis.acknowledge(s.data.userId, r.sessionId, r.alertId),
    );
  }

  @SubscribeMessage('crisis:moveToSideRoom')
  moveToSideRoom(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<SideRoomView>> {
    return handleRequest('crisis:moveToSideRoom', crisisMoveSchema, p, async (r) => {
      const room = await this.crisis.moveToSideRoom(s.data.userId, r);
      // Out of the main room means out of its hand queue (and go-around) too.
      await this.turns.leaveQueue(r.sessionId, r.userId);
      return room;
    });
  }

  @SubscribeMessage('crisis:returnToGroup')
  returnToGroup(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('crisis:returnToGroup', crisisReturnSchema, p, async (r) => {
      await this.crisis.returnToGroup(s.data.userId, r.sessionId, r.userId);
      return {};
    });
  }

  @SubscribeMessage('crisis:withdraw')
  withdraw(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<{ alertId: string; withdrawnAt: string }>> {
    return handleRequest('crisis:withdraw', crisisWithdrawSchema, p, (r) => this.crisis.withdraw(s.data.userId, r.sessionId, r.alertId));
  }

  @SubscribeMessage('crisis:resolve')
  resolve(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<CrisisAlertView>> {
    return handleRequest('crisis:resolve', crisisResolveSchema, p, (r) =>
      this.crisis.resolve(s.data.userId, r.sessionId, r.alertId, r.outcome),
    );
  }

  @SubscribeMessage('crisis:listenToGroup')
  listenToGroup(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<{ listening: boolean }>> {
    return handleRequest('crisis:listenToGroup', crisisListenSchema, p, (r) => this.crisis.listenToGroup(s.data.userId, r.sessionId, r.on));
  }

  @SubscribeMessage('crisis:state')
  state(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<CrisisState>> {
    return handleRequest('crisis:state', crisisSessionSchema, p, (r) => this.crisis.state(s.data.userId, r.sessionId));
  }
}
