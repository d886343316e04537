import { type Database, queryRows } from "@cs/db";
import { sql } from "drizzle-orm";
import { AppError } from "../../platform/errors.ts";

/**
 * Limits on wrong codes and tokens. An 8-digit code is guessable only by many tries, so tries
 * are counted per agent, per pickup point (all its agents together) and per typed code (the same
 * code refused again and again, at any point by any agent: someone is probing with it) over a
 * window; past the limit that scope is locked for the window. Successes do not reset the count.
 */
export const ATTEMPT_WINDOW_MINUTES = 15;
export const AGENT_FAILURE_LIMIT = 5;
export const POINT_FAILURE_LIMIT = 20;
export const CODE_FAILURE_LIMIT = 3;

/**
 * Who is counted. `codeKey` is the keyed lookup hash of a typed code (never the code itself), so
 * the table holds nothing that names a credential's code.
 */
export interface AttemptSubject {
  agentId: string;
  pickupPointId: string;
  codeKey?: string;
}

const scopes = ({ agentId, pickupPointId, codeKey }: AttemptSubject) => [
  { scope: `agent:${agentId}`, limit: AGENT_FAILURE_LIMIT },
  { scope: `point:${pickupPointId}`, limit: POINT_FAILURE_LIMIT },
  ...(codeKey ? [{ scope: `code:${codeKey}`, limit: CODE_FAILURE_LIMIT }] : []),
];

/** Refuses with `pickup_locked` while the agent, the point or the typed code is locked out. */
export async function assertNotLocked(db: Database, subject: AttemptSubject): Promise<void> {
  if ((await lockedSubjects(db, [subject])).size > 0) {
    throw lockedOut();
  }
}

/** The error of a locked-out agent, point or code. */
export function lockedOut(): AppError {
  return new AppError(
    "pickup_locked",
    `Too many wrong codes here; try again in ${ATTEMPT_WINDOW_MINUTES} minutes`,
    { headers: { "retry-after": String(ATTEMPT_WINDOW_MINUTES * 60) } },
  );
}

/** Which of these subjects are locked out now (any of their scopes): one read for them all. */
export async function lockedSubjects(
  db: Database,
  subjects: readonly AttemptSubject[],
): Promise<Set<AttemptSubject>> {
  const keys = [...new Set(subjects.flatMap((subject) => scopes(subject).map((s) => s.scope)))];
  if (keys.length === 0) {
    return new Set();
  }
  const rows = await queryRows<{ scope: string }>(
    db,
    sql`select scope from pickup_attempts
        where scope = any(${`{${keys.map((k) => `"${k}"`).join(",")}}`}::text[])
          and locked_until > now()`,
  );
  const locked = new Set(rows.map((row) => row.scope));
  return new Set(
    subjects.filter((subject) => scopes(subject).some(({ scope }) => locked.has(scope))),
  );
}

/**
 * Counts one wrong code or token against the agent, the point and the typed code. Written
 * outside the request's transaction (the request fails, the count must stay), one atomic upsert
 * per scope.
 */
export async function recordFailure(db: Database, subject: AttemptSubject): Promise<void> {
  for (const { scope, limit } of scopes(subject)) {
    await db.execute(sql`
      insert into pickup_attempts (scope, failures, window_started_at)
      values (${scope}, 1, now())
      on conflict (scope) do update set
        failures = case when pickup_attempts.window_started_at < now() - make_interval(mins => ${ATTEMPT_WINDOW_MINUTES})
                        then 1 else pickup_attempts.failures + 1 end,
        window_started_at = case when pickup_attempts.window_started_at < now() - make_interval(mins => ${ATTEMPT_WINDOW_MINUTES})
                        then now() else pickup_attempts.window_started_at end,
        locked_until = case when pickup_attempts.window_started_at >= now() - make_interval(mins => ${ATTEMPT_WINDOW_MINUTES})
                             and pickup_attempts.failures + 1 >= ${limit}
                        then now() + make_interval(mins => ${ATTEMPT_WINDOW_MINUTES})
                        else pickup_attempts.locked_until end`);
  }
}
