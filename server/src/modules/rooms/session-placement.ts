import { Injectable } from '@nestjs/common';
import { NodeIdentity } from '../cluster/node-identity';
import { SessionLeases } from '../cluster/session-leases';
import { RoomsService } from './rooms.service';

/**
 * Which node hosts a live session. A single node hosts every session it has
 * live; in a cluster (REDIS_URL) it is the holder of the session's Redis lease.
 */
@Injectable()
export class SessionPlacement {
  constructor(
    private readonly rooms: RoomsService,
    private readonly node: NodeIdentity,
    private readonly leases: SessionLeases,
  ) {}

  async hostOf(sessionId: string): Promise<string | null> {
    if (this.leases.enabled) return this.leases.hostOf(sessionId);
    return this.rooms.isLive(sessionId) ? this.node.nodeId : null;
  }
}
