import * as z from "zod/v4";

/** Where an incident's ticket lives: stored on the incident, shown by the API and messages. */
export const TicketRef = z.object({
  system: z.enum(["github", "jira"]),
  /** GitHub's issue number, Jira's issue key (`OPS-42`). */
  key: z.string().min(1).max(64),
  /** The page people open. */
  url: z.string().max(2_000),
});
export type TicketRef = z.infer<typeof TicketRef>;
