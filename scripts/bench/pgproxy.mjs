// A counting TCP proxy in front of PostgreSQL, for the statement counts only (never in the timed
// runs). It reads what clients send: every simple Query ('Q') or extended-protocol Execute ('E')
// is one statement; the statement text comes from 'Q' or the Parse ('P') before it. Statements are
// grouped per application_name (from the startup message) by a short "verb table" label.
import { connect, createServer } from "node:net";

export function statementLabel(text) {
  const sql = text.replace(/\s+/g, " ").trim().toLowerCase();
  if (/^(begin|commit|rollback)\b/.test(sql)) {
    return sql.split(" ")[0];
  }
  if (sql.startsWith("update outbox_events set attempts")) {
    return "update outbox_events (claim a batch)";
  }
  if (sql.startsWith("update outbox_events set delivered_at")) {
    return "update outbox_events (delivered)";
  }
  const table = (pattern) => pattern.exec(sql)?.[1] ?? "?";
  let label;
  if (sql.startsWith("select") || sql.startsWith("with")) {
    label = `select ${table(/ from "?([a-z_.]+)"?/)}`;
    if (/ for update/.test(sql)) {
      label += " for update";
    }
  } else if (sql.startsWith("insert")) {
    label = `insert ${table(/^insert into "?([a-z_.]+)"?/)}`;
  } else if (sql.startsWith("update")) {
    label = `update ${table(/^update "?([a-z_.]+)"?/)}`;
  } else if (sql.startsWith("delete")) {
    label = `delete ${table(/^delete from "?([a-z_.]+)"?/)}`;
  } else {
    label = sql.slice(0, 40);
  }
  return label;
}

export function startPgProxy(targetHost, targetPort) {
  const counts = new Map(); // application_name -> Map(label -> n)
  const add = (app, label) => {
    let byLabel = counts.get(app);
    if (!byLabel) {
      byLabel = new Map();
      counts.set(app, byLabel);
    }
    byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
  };
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    let buffer = Buffer.alloc(0);
    let started = false;
    let app = "?";
    let pending = "?";
    client.on("data", (chunk) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) {
            return;
          }
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) {
            return;
          }
          const code = buffer.readInt32BE(4);
          if (code === 196608) {
            // StartupMessage: key\0value\0 pairs
            const parts = buffer.subarray(8, length).toString("utf8").split("\0");
            for (let i = 0; i + 1 < parts.length; i += 2) {
              if (parts[i] === "application_name") {
                app = parts[i + 1];
              }
            }
            started = true;
          }
          buffer = buffer.subarray(length);
          continue;
        }
        if (buffer.length < 5) {
          return;
        }
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) {
          return;
        }
        const type = String.fromCharCode(buffer[0]);
        const body = buffer.subarray(5, length + 1);
        if (type === "Q") {
          add(app, statementLabel(body.toString("utf8", 0, body.length - 1)));
        } else if (type === "P") {
          const nameEnd = body.indexOf(0);
          const textEnd = body.indexOf(0, nameEnd + 1);
          pending = statementLabel(body.toString("utf8", nameEnd + 1, textEnd));
        } else if (type === "E") {
          add(app, pending);
        }
        buffer = buffer.subarray(length + 1);
      }
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", close);
    upstream.on("close", close);
    client.on("error", close);
    upstream.on("error", close);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: server.address().port,
        /** A copy of the counts of one application_name. */
        snapshot(app) {
          return new Map(counts.get(app) ?? []);
        },
        close() {
          for (const socket of sockets) {
            socket.destroy();
          }
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

/** after - before, divided by n, as { label: perRequest } plus the total. */
export function perRequest(before, after, n) {
  const out = {};
  let total = 0;
  for (const [label, value] of after) {
    const delta = value - (before.get(label) ?? 0);
    if (delta > 0) {
      out[label] = Number((delta / n).toFixed(2));
      total += delta;
    }
  }
  return { total: Number((total / n).toFixed(2)), statements: out };
}
