// Where the tests find the public data sets: RECOMMENDER_DATA, or shared/data beside the
// repository (a worktree or a clone). Undefined when they are not there: those tests skip.
import { existsSync } from "node:fs";
import path from "node:path";

export const publicDataRoot: string | undefined = [
  process.env.RECOMMENDER_DATA,
  path.resolve(import.meta.dirname, "../../../../shared/data"),
  path.resolve(import.meta.dirname, "../../../../../shared/data"),
].find((dir): dir is string => !!dir && existsSync(path.join(dir, "groceries")));
