import { Controller, Get } from '@nestjs/common';
import type { PlacementResponse } from '@hearth/protocol';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { IdParam } from '../scheduling/params';
import { RoomError, RoomErrorCode } from './rooms.error';
import { SessionDirectory } from './session-directory';
import { SessionPlacement } from './session-placement';

/** Which node hosts a live session: for the session's therapists and program admins (operations, tests). */
@Controller('api/sessions/:sessionId/placement')
export class PlacementController {
  constructor(
    private readonly directory: SessionDirectory,
    private readonly placement: SessionPlacement,
  ) {}

  @Get()
  async get(@CurrentPrincipal() p: Principal, @IdParam('sessionId') sessionId: string): Promise<PlacementResponse> {
    if (!(await this.directory.managesSession(sessionId, p))) {
      throw new RoomError(RoomErrorCode.NotModerator, 'Only the session’s therapists and program admins see where it runs.');
    }
    const nodeId = await this.placement.hostOf(sessionId);
    return nodeId ? { nodeId } : {};
  }
}
