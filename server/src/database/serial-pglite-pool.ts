// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- typeorm-pglite types `done` as Function
type DoneCallback = Function;
type ConnectCallback = (err: unknown, client: unknown, done: DoneCallback) => void;

interface PoolLike {
  connect(callback: ConnectCallback): Promise<void> | void;
}
type PoolClass = new (...args: never[]) => PoolLike;

/**
 * PGlite has one connection, and typeorm-pglite hands it to every TypeORM
 * query runner at once: two requests' transactions would interleave inside one
 * database transaction (a rollback in one drops the other's writes). This pool
 * lends the connection to one query runner at a time, like a pool of size 1.
 */
export function serialPool<D extends { Pool: PoolClass }>(driver: D): D {
  const Base = driver.Pool;
  class SerialPool extends Base {
    private tail: Promise<void> = Promise.resolve();

    override connect(callback: ConnectCallback): Promise<void> {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const turn = this.tail;
      this.tail = turn.then(() => held);
      return turn.then(() =>
        super.connect((err, client, done) => {
          if (err) release();
          let released = false;
          callback(err, client, (e?: unknown) => {
            if (released) return;
            released = true;
            (done as (e?: unknown) => void)(e);
            release();
          });
        }),
      );
    }
  }
  return { ...driver, Pool: SerialPool };
}
