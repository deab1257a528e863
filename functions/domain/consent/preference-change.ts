// A namespace import, not the `z` object: it lets esbuild drop zod's locales.
import * as z from 'zod';

/** Body of PUT …/contacts/{channel}/{address}; the console builds its request from it too. */
export const preferenceChangeSchema = z
  .object({
    optedOut: z.boolean(),
    /** Why staff changed it (the customer phoned, a complaint…), kept with the preference. */
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type PreferenceChangeBody = z.infer<typeof preferenceChangeSchema>;
