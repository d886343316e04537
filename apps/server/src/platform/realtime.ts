import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Emitter } from "@socket.io/redis-emitter";
import type { FastifyBaseLogger } from "fastify";
import { Redis } from "ioredis";
import { Server, type Socket } from "socket.io";
import { z } from "zod";
import type { AccessTokens } from "./auth/tokens.ts";

/** Where domain events are pushed: a group's room (anyone watching it) or a user's own room. */
export interface Realtime {
  toGroup(groupId: string, event: string, payload: unknown): void;
  toUser(userId: string, event: string, payload: unknown): void;
  /** Every signed-in admin (live KPIs, training progress). */
  toAdmins(event: string, payload: unknown): void;
  /** Any named room (a domain's own, e.g. a group's chat room, whose joining the domain checks). */
  toRoom(room: string, event: string, payload: unknown): void;
  close(): Promise<void>;
}

export const groupRoom = (groupId: string) => `group:${groupId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const ADMIN_ROOM = "admins";

const ZGroupId = z.uuid();

/**
 * Socket.IO on the API's HTTP server. A socket that sends a valid access token joins its user
 * room; anyone may watch a group's room (progress is public, as the group page is) and gets the
 * current state on joining, so a reconnecting client catches up at once. With Redis, rooms fan
 * out across API instances. Long polling stays on: it is what works on many African mobile
 * networks where websockets are cut.
 */
export function attachRealtime(
  server: HttpServer,
  deps: {
    tokens: AccessTokens;
    redisUrl?: string | undefined;
    redisPrefix: string;
    corsOrigins: string[];
    log: FastifyBaseLogger;
    /** Whether a user is an admin (their socket joins the admins' room). */
    isAdmin(userId: string): Promise<boolean>;
    /** The current state pushed to a socket when it starts watching a group. */
    groupSnapshot(groupId: string): Promise<unknown | null>;
    /** Domains' own socket events (e.g. joining a chat room after a membership check). */
    socketHandlers?: Array<(socket: Socket) => void>;
  },
): Realtime {
  const io = new Server(server, {
    path: "/socket.io",
    serveClient: false,
    cors: deps.corsOrigins.length > 0 ? { origin: deps.corsOrigins, credentials: true } : undefined,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  });
  const clients: Redis[] = [];
  if (deps.redisUrl) {
    const pub = new Redis(deps.redisUrl, { maxRetriesPerRequest: 1 });
    const sub = pub.duplicate();
    clients.push(pub, sub);
    io.adapter(createAdapter(pub, sub, { key: `${deps.redisPrefix}socket.io` }));
  }
  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    if (typeof token === "string" && token.length > 0) {
      try {
        socket.data.userId = await deps.tokens.verify(token);
      } catch {
        return next(new Error("token_invalid"));
      }
    }
    return next();
  });
  io.on("connection", (socket) => {
    for (const attach of deps.socketHandlers ?? []) {
      attach(socket);
    }
    if (typeof socket.data.userId === "string") {
      const userId: string = socket.data.userId;
      void socket.join(userRoom(userId));
      void deps
        .isAdmin(userId)
        .then((admin) => (admin ? socket.join(ADMIN_ROOM) : undefined))
        .catch((error: unknown) => deps.log.warn({ err: error }, "admin check failed"));
    }
    socket.on("group:watch", async (groupId: unknown, ack?: (state: unknown) => void) => {
      const parsed = ZGroupId.safeParse(groupId);
      if (!parsed.success) {
        ack?.({ error: "validation_failed" });
        return;
      }
      const state = await deps.groupSnapshot(parsed.data).catch((error: unknown) => {
        deps.log.warn({ err: error }, "group snapshot failed");
        return null;
      });
      if (state === null) {
        ack?.({ error: "not_found" });
        return;
      }
      await socket.join(groupRoom(parsed.data));
      ack?.(state);
    });
    socket.on("group:unwatch", (groupId: unknown) => {
      if (ZGroupId.safeParse(groupId).success) {
        void socket.leave(groupRoom(groupId as string));
      }
    });
  });
  return {
    toGroup: (groupId, event, payload) => {
      io.to(groupRoom(groupId)).emit(event, payload);
    },
    toUser: (userId, event, payload) => {
      io.to(userRoom(userId)).emit(event, payload);
    },
    toAdmins: (event, payload) => {
      io.to(ADMIN_ROOM).emit(event, payload);
    },
    toRoom: (room, event, payload) => {
      io.to(room).emit(event, payload);
    },
    async close() {
      await io.close();
      await Promise.all(clients.map((client) => client.quit()));
    },
  };
}

/** For a worker-only process: pushes through Redis to whichever API instance holds the sockets. */
export function redisRealtime(redisUrl: string, prefix: string): Realtime {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const emitter = new Emitter(client, { key: `${prefix}socket.io` });
  return {
    toGroup: (groupId, event, payload) => {
      emitter.to(groupRoom(groupId)).emit(event, payload);
    },
    toUser: (userId, event, payload) => {
      emitter.to(userRoom(userId)).emit(event, payload);
    },
    toAdmins: (event, payload) => {
      emitter.to(ADMIN_ROOM).emit(event, payload);
    },
    toRoom: (room, event, payload) => {
      emitter.to(room).emit(event, payload);
    },
    async close() {
      await client.quit();
    },
  };
}
