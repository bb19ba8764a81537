import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  checkinRefSchema,
  checkinSessionSchema,
  checkinSubmitSchema,
  type Ack,
  type CheckinInfo,
  type CheckinState,
} from '@hearth/protocol';
import { CheckinsService } from '../checkins/checkins.service';
import { handleRequest } from './ack';
import type { HearthSocket } from './realtime.gateway';

/** Check-in events. Thin: validate, caller from the handshake (never the payload), CheckinsService, ack. */
@WebSocketGateway()
export class CheckinsGateway {
  constructor(private readonly checkins: CheckinsService) {}

  @SubscribeMessage('checkin:open')
  open(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<CheckinInfo>> {
    return handleRequest('checkin:open', checkinSessionSchema, p, (r) => this.checkins.open(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('checkin:submit')
  submit(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<{ submittedAt: string }>> {
    return handleRequest('checkin:submit', checkinSubmitSchema, p, (r) => this.checkins.submit(s.data.userId, r));
  }

  @SubscribeMessage('checkin:close')
  close(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<CheckinInfo>> {
    return handleRequest('checkin:close', checkinRefSchema, p, (r) => this.checkins.close(s.data.userId, r.sessionId, r.checkinId));
  }

  @SubscribeMessage('checkin:state')
  state(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<CheckinState>> {
    return handleRequest('checkin:state', checkinSessionSchema, p, (r) => this.checkins.state(s.data.userId, r.sessionId));
  }
}
