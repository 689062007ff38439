import { z } from "zod";

/** An email as people type it: surrounding spaces and capitals do not matter. */
export const emailSchema = z.string().trim().toLowerCase().max(254, "Use at most 254 characters").pipe(z.email("Enter a valid email address"));
