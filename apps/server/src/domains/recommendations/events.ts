import type { FastifyBaseLogger } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { type EventInsert, insertEvents } from "./repo.ts";

const FLUSH_MS = 500;
const FLUSH_ROWS = 500;

interface Buffer {
  rows: EventInsert[];
  timer: NodeJS.Timeout | null;
  flushing: Promise<void>;
}
const buffers = new WeakMap<AppContext, Buffer>();

function bufferOf(ctx: AppContext): Buffer {
  let buffer = buffers.get(ctx);
  if (!buffer) {
    buffer = { rows: [], timer: null, flushing: Promise.resolve() };
    buffers.set(ctx, buffer);
  }
  return buffer;
}

/**
 * Records "shown" and "clicked" events without making the trader wait: rows are buffered in
 * memory and written in one insert every half second (or every 500 rows). Analytics may lose
 * the last half second of events if the process dies; a join or payment never depends on them.
 */
export function recordEvents(ctx: AppContext, rows: EventInsert[], log?: FastifyBaseLogger): void {
  if (rows.length === 0) {
    return;
  }
  const buffer = bufferOf(ctx);
  buffer.rows.push(...rows);
  if (buffer.rows.length >= FLUSH_ROWS) {
    void flushEvents(ctx, log);
  } else if (!buffer.timer) {
    buffer.timer = setTimeout(() => void flushEvents(ctx, log), FLUSH_MS);
    buffer.timer.unref();
  }
}

/** Writes what is buffered now (tests and shutdown call it); resolves when it is written. */
export function flushEvents(ctx: AppContext, log?: FastifyBaseLogger): Promise<void> {
  const buffer = bufferOf(ctx);
  if (buffer.timer) {
    clearTimeout(buffer.timer);
    buffer.timer = null;
  }
  const rows = buffer.rows.splice(0);
  buffer.flushing = buffer.flushing.then(async () => {
    if (rows.length === 0) {
      return;
    }
    try {
      await insertEvents(ctx.db, rows);
    } catch (error) {
      log?.warn({ err: error, rows: rows.length }, "recommendation events not recorded");
    }
  });
  return buffer.flushing;
}
