import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { facilitationStateSchema, type Ack, type FacilitationState } from '@hearth/protocol';
import { ChatService } from '../chat/chat.service';
import { CheckinsService } from '../checkins/checkins.service';
import { CrisisService } from '../crisis/crisis.service';
import { RoleplayService } from '../roleplay/roleplay.service';
import { TurnsService } from '../turns/turns.service';
import { handleRequest } from './ack';
import type { HearthSocket } from './realtime.gateway';

/**
 * `facilitation:state`: everything a client shows beside the video, in one
 * answer, once per entry into the room. Each feature checks the caller as its
 * own `*:state` request does (admitted members only; per-role views).
 */
@WebSocketGateway()
export class FacilitationStateGateway {
  constructor(
    private readonly chat: ChatService,
    private readonly turns: TurnsService,
    private readonly checkins: CheckinsService,
    private readonly crisis: CrisisService,
    private readonly roleplay: RoleplayService,
  ) {}

  @SubscribeMessage('facilitation:state')
  state(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FacilitationState>> {
    return handleRequest('facilitation:state', facilitationStateSchema, p, async ({ sessionId }) => {
      const userId = s.data.userId;
      // Some answer synchronously, some after a query; a refusal from any one is the answer.
      const later = <T>(f: () => T | Promise<T>) => Promise.resolve().then(f);
      const [chat, floor, checkins, crisis, roleplay] = await Promise.all([
        later(() => this.chat.history(userId, sessionId)),
        later(() => this.turns.state(userId, sessionId)),
        later(() => this.checkins.state(userId, sessionId)),
        later(() => this.crisis.state(userId, sessionId)),
        later(() => this.roleplay.state(userId, sessionId)),
      ]);
      return { chat, floor, checkins, crisis, roleplay };
    });
  }
}
