import type { Socket } from "socket.io-client";
import { useSession } from "../stores/session.ts";
import { refreshSession } from "./api.ts";

let connecting: Promise<Socket> | null = null;

/**
 * The tab's one Socket.IO connection, opened on first use. socket.io-client is fetched here on
 * demand, so only pages that show something live download it (never the landing page). Long
 * polling stays first: it is what gets through on many mobile networks.
 */
export function liveSocket(): Promise<Socket> {
  connecting ??= import("socket.io-client").then(({ io }) => {
    const socket = io({
      path: "/socket.io",
      // Read at every (re)connection, so a refreshed token or a new sign-in is used.
      auth: (send) => {
        const token = useSession.getState().accessToken;
        send(token ? { token } : {});
      },
    });
    let refreshed = false;
    socket.on("connect", () => {
      refreshed = false;
    });
    socket.on("connect_error", (error) => {
      // The server refuses an expired access token and does not retry by itself: refresh once,
      // then connect again (anonymously if the session has ended).
      if (error.message === "token_invalid" && !refreshed) {
        refreshed = true;
        void refreshSession().finally(() => socket.connect());
      }
    });
    // Someone signed in or out in this tab: reconnect so the socket joins the right user room.
    let userId = useSession.getState().user?.id ?? null;
    useSession.subscribe((state) => {
      const next = state.user?.id ?? null;
      if (next !== userId) {
        userId = next;
        socket.disconnect().connect();
      }
    });
    return socket;
  });
  return connecting;
}

/**
 * For effects: attaches listeners once the socket is there and answers the cleanup, which also
 * covers an effect torn down before the connection module has loaded.
 */
export function withSocket(attach: (socket: Socket) => () => void): () => void {
  let stopped = false;
  let detach = () => {};
  void liveSocket().then((socket) => {
    if (!stopped) {
      detach = attach(socket);
    }
  });
  return () => {
    stopped = true;
    detach();
  };
}
