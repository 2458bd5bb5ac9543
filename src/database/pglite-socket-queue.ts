import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A frontend message waiting for the database, as pglite-socket 0.2.x queues it. */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

/** The internals of pglite-socket's (unexported) QueryQueueManager that this patch replaces. */
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

// Extended-protocol messages: Parse, Bind, Describe, Execute, Close, Flush. The batch they
// start ends with Sync ('S'); a simple Query ('Q') stands alone.
const EXTENDED_PROTOCOL = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * pglite-socket 0.2.x serializes single protocol messages from every connection into one
 * PGlite session, and keeps a connection's messages together only inside an explicit
 * transaction (electric-sql/pglite#1046). Two connections' Parse/Bind/Execute/Sync batches
 * then interleave and bind each other's unnamed statement: wrong rows or errors under
 * concurrency. And a message that throws leaves the queue stuck for good.
 *
 * This replaces the queue's scheduling so that a connection keeps the session from its
 * first extended-protocol message until its Sync (as well as throughout a transaction),
 * and so that a failed message fails only its own connection.
 */
export function keepProtocolBatchesWhole(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (
    !queue ||
    !Array.isArray(queue.queue) ||
    typeof queue.processQueue !== 'function' ||
    typeof queue.clearTransactionIfNeeded !== 'function'
  ) {
    throw new Error('pglite-socket internals changed: review src/database/pglite-socket-queue.ts');
  }
  /** The connection in the middle of an extended-protocol batch, if any. */
  let batchOwner: number | null = null;

  const next = (): QueuedMessage | undefined => {
    const owner = batchOwner ?? (queue.db.isInTransaction() ? queue.lastHandlerId : null);
    const index = owner === null ? 0 : queue.queue.findIndex((item) => item.handlerId === owner);
    // -1: the owner's next message has not arrived yet; the others wait for it.
    return index === -1 ? undefined : queue.queue.splice(index, 1)[0];
  };

  queue.processQueue = async (): Promise<void> => {
    if (queue.processing) return;
    queue.processing = true;
    try {
      for (let item = next(); item; item = next()) {
        const current = item;
        let bytes = 0;
        try {
          await queue.db.runExclusive(() =>
            queue.db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (error) {
          if (batchOwner === current.handlerId) batchOwner = null;
          current.reject(error);
          continue;
        }
        queue.lastHandlerId = current.handlerId;
        batchOwner = EXTENDED_PROTOCOL.has(current.message[0]) ? current.handlerId : null;
        current.resolve(bytes);
      }
    } finally {
      queue.processing = false;
    }
  };

  const clearTransactionIfNeeded = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async (handlerId: number): Promise<void> => {
    if (batchOwner === handlerId) {
      // A connection gone mid-batch: end its batch, so the next one starts clean.
      batchOwner = null;
      await queue.db.runExclusive(() => queue.db.execProtocolRaw(SYNC)).catch(() => undefined);
    }
    await clearTransactionIfNeeded(handlerId);
    await queue.processQueue();
  };
}
