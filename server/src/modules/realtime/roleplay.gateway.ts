import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  roleplayAssignSchema,
  roleplayBreakoutsSchema,
  roleplayDebriefSchema,
  roleplayFeedbackSchema,
  roleplayJoinBreakoutSchema,
  roleplaySessionSchema,
  roleplayStartSceneSchema,
  roleplayStartSchema,
  roleplaySwapSchema,
  type Ack,
  type DebriefView,
  type FeedbackView,
  type RoleplayState,
  type RoleplayView,
} from '@hearth/protocol';
import { RoleplayService } from '../roleplay/roleplay.service';
import { handleRequest } from './ack';
import type { HearthSocket } from './realtime.gateway';

type View = Promise<Ack<RoleplayView>>;

/** Role-play events. Thin: validate, caller from the handshake (never the payload), RoleplayService, ack. */
@WebSocketGateway()
export class RoleplayGateway {
  constructor(private readonly roleplay: RoleplayService) {}

  @SubscribeMessage('roleplay:state')
  state(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<RoleplayState>> {
    return handleRequest('roleplay:state', roleplaySessionSchema, p, (r) => this.roleplay.state(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('roleplay:start')
  start(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:start', roleplayStartSchema, p, (r) => this.roleplay.start(s.data.userId, r.sessionId, r.scenarioId));
  }

  @SubscribeMessage('roleplay:assign')
  assign(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:assign', roleplayAssignSchema, p, (r) => this.roleplay.assign(s.data.userId, r.sessionId, r.assignments));
  }

  @SubscribeMessage('roleplay:startScene')
  startScene(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:startScene', roleplayStartSceneSchema, p, (r) =>
      this.roleplay.startScene(s.data.userId, r.sessionId, r.durationSeconds),
    );
  }

  @SubscribeMessage('roleplay:pauseScene')
  pauseScene(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:pauseScene', roleplaySessionSchema, p, (r) => this.roleplay.pauseScene(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('roleplay:resumeScene')
  resumeScene(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:resumeScene', roleplaySessionSchema, p, (r) => this.roleplay.resumeScene(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('roleplay:endScene')
  endScene(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:endScene', roleplaySessionSchema, p, (r) => this.roleplay.endScene(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('roleplay:swapRoles')
  swapRoles(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:swapRoles', roleplaySwapSchema, p, (r) => this.roleplay.swapRoles(s.data.userId, r.sessionId, r.roleKeys));
  }

  @SubscribeMessage('roleplay:startBreakouts')
  startBreakouts(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:startBreakouts', roleplayBreakoutsSchema, p, (r) =>
      this.roleplay.startBreakouts(s.data.userId, r.sessionId, r.groups),
    );
  }

  @SubscribeMessage('roleplay:joinBreakout')
  joinBreakout(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:joinBreakout', roleplayJoinBreakoutSchema, p, (r) =>
      this.roleplay.joinBreakout(s.data.userId, r.sessionId, r.breakoutId),
    );
  }

  @SubscribeMessage('roleplay:returnEveryone')
  returnEveryone(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): View {
    return handleRequest('roleplay:returnEveryone', roleplaySessionSchema, p, (r) => this.roleplay.returnEveryone(s.data.userId, r.sessionId));
  }

  @SubscribeMessage('roleplay:submitFeedback')
  submitFeedback(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<FeedbackView>> {
    return handleRequest('roleplay:submitFeedback', roleplayFeedbackSchema, p, (r) => this.roleplay.submitFeedback(s.data.userId, r.sessionId, r));
  }

  @SubscribeMessage('roleplay:showDebrief')
  showDebrief(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<DebriefView>> {
    return handleRequest('roleplay:showDebrief', roleplayDebriefSchema, p, (r) =>
      this.roleplay.showDebrief(s.data.userId, r.sessionId, r.includeNotes),
    );
  }

  @SubscribeMessage('roleplay:end')
  end(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Record<string, never>>> {
    return handleRequest('roleplay:end', roleplaySessionSchema, p, (r) => this.roleplay.end(s.data.userId, r.sessionId));
  }
}
