import { Injectable } from '@nestjs/common';
import { NodeIdentity } from '../cluster/node-identity';
import { RoomsService } from './rooms.service';

/**
 * Which node hosts a live session. A single node hosts every session it has
 * live; a cluster replaces this with the Redis lease holder.
 */
@Injectable()
export class SessionPlacement {
  constructor(
    private readonly rooms: RoomsService,
    private readonly node: NodeIdentity,
  ) {}

  async hostOf(sessionId: string): Promise<string | null> {
    return this.rooms.isLive(sessionId) ? this.node.nodeId : null;
  }
}
