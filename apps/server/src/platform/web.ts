import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "./config.ts";

const DEFAULT_DIST = fileURLToPath(new URL("../../../web/dist", import.meta.url));

/** The folder of the built PWA, or null when it has not been built. */
export function resolveWebRoot(config: Config): string | null {
  const root = path.resolve(config.webDist ?? DEFAULT_DIST);
  return existsSync(path.join(root, "index.html")) ? root : null;
}

/**
 * Serves the built PWA on the API's port. Hashed assets are cached for a year; the HTML shell and
 * service worker are revalidated so an update reaches phones on the next visit.
 */
export async function registerWebApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    wildcard: true,
    index: ["index.html"],
    setHeaders(reply, filePath) {
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      reply.header("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
}

/**
 * Unknown paths outside /api and /dev that a browser navigates to get the app shell, so deep
 * links work in the single-page app. Returns null for everything else (a 404 problem).
 */
export function spaFallback(request: FastifyRequest, reply: FastifyReply): FastifyReply | null {
  const pathname = request.url.split("?")[0] ?? "";
  const wantsPage =
    request.method === "GET" &&
    !/^\/(api|dev)(\/|$)/.test(pathname) &&
    !path.extname(pathname) &&
    (request.headers.accept ?? "").includes("text/html");
  return wantsPage ? reply.header("cache-control", "no-cache").sendFile("index.html") : null;
}
