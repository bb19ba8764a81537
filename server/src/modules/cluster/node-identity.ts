import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who this server process is in a cluster: `NODE_ID` from the environment,
 * or an id generated at start (host name + random suffix), and the OS pid.
 * Health, placement and leases name nodes by it.
 */
export class NodeIdentity {
  readonly pid = process.pid;

  constructor(readonly nodeId: string) {}

  static fromConfig(config: { NODE_ID?: string | undefined }): NodeIdentity {
    const host = hostname().replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40) || 'node';
    return new NodeIdentity(config.NODE_ID ?? `${host}-${randomBytes(4).toString('hex')}`);
  }
}
