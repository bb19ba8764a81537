import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { screenAllowSchema, screenSessionSchema, screenStopSchema, type Ack, type ScreenShareView } from '@hearth/protocol';
import { ScreenShareService } from '../screenshare/screenshare.service';
import { handleRequest } from './ack';
import type { HearthSocket } from './realtime.gateway';

/** Screen-share events. Thin: validate, caller from the handshake (never the payload), ScreenShareService, ack. */
@WebSocketGateway()
export class ScreenShareGateway {
  constructor(private readonly screens: ScreenShareService) {}

  @SubscribeMessage('screen:state')
  state(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<ScreenShareView>> {
    return handleRequest('screen:state', screenSessionSchema, p, (r) => this.screens.state(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('screen:start')
  start(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<ScreenShareView>> {
    return handleRequest('screen:start', screenSessionSchema, p, (r) => this.screens.start(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('screen:stop')
  stop(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<ScreenShareView>> {
    return handleRequest('screen:stop', screenStopSchema, p, (r) => this.screens.stop(s.data.userId, r.sessionId, r.userId));
  }

  @SubscribeMessage('screen:allow')
  allow(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<ScreenShareView>> {
    return handleRequest('screen:allow', screenAllowSchema, p, (r) => this.screens.allow(s.data.userId, r.sessionId, r.userId, r.allowed));
  }
}
