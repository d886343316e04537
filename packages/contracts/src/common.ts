import { z } from "zod";

export const LANGUAGES = ["en", "sn", "nd"] as const;
export const ZLanguage = z.enum(LANGUAGES);
export type TLanguage = z.infer<typeof ZLanguage>;

export const CURRENCIES = ["USD", "ZWG"] as const;
export const ZCurrency = z.enum(CURRENCIES);
export type TCurrency = z.infer<typeof ZCurrency>;

export const ZUuid = z.uuid();

/** RFC 9457 problem details, as every error of the API is rendered. */
export const ZProblem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z
    .array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }))
    .optional(),
});
export type TProblem = z.infer<typeof ZProblem>;
