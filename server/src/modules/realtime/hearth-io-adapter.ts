import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Socket } from 'socket.io';

/**
 * Nest's socket.io adapter, with one 'disconnect' listener per socket for all gateways.
 *
 * Nest calls `bindClientDisconnect` once per gateway for every connection (all our
 * gateways share one server), and the stock adapter adds a listener each time: with
 * nine gateways, rxjs's shared `takeUntil(disconnect)` and the idle tracker a socket
 * had eleven, over Node's default of ten (`MaxListenersExceededWarning` on every
 * connection). Here the first call adds a single listener and later calls only add
 * their callback to that socket's list, which the listener runs in order.
 */
export class HearthIoAdapter extends IoAdapter {
  private readonly onDisconnect = new WeakMap<Socket, (() => void)[]>();

  override bindClientDisconnect(client: Socket, callback: () => void): void {
    let callbacks = this.onDisconnect.get(client);
    if (!callbacks) {
      const list: (() => void)[] = [];
      callbacks = list;
      this.onDisconnect.set(client, list);
      client.once('disconnect', () => {
        this.onDisconnect.delete(client);
        for (const run of list) run();
      });
    }
    callbacks.push(callback);
  }
}
