import { type DbOrTx, users } from "@cs/db";
import { eq } from "drizzle-orm";

export type UserRow = typeof users.$inferSelect;

export async function findUserByPhone(db: DbOrTx, phone: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.phone, phone));
  return user;
}

export async function findUserById(db: DbOrTx, id: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

/** Locks the user row for the rest of the transaction. */
export async function lockUser(db: DbOrTx, id: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).for("update");
  return user;
}
