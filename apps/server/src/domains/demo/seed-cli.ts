import { loadConfig } from "../../platform/config.ts";
import { createContext, openConfiguredDatabase } from "../../runtime.ts";
import { seedIfEmpty } from "./seed.ts";

/** `npm run seed`: migrates and seeds the configured database when it is empty. */
const config = loadConfig();
const database = await openConfiguredDatabase(config);
await database.migrate();
const result = await seedIfEmpty(createContext(config, database), config.seed);
console.log(
  result ? `Seeded demo data (seed ${result.seed}).` : "Database already has data; nothing seeded.",
);
await database.close();
