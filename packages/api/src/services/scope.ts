import type { Database } from "@trellis/db";
import type { Role } from "@trellis/db/schema";

/** The workspace a service call acts in, and who acts. */
export interface WorkspaceScope {
  db: Database;
  workspaceId: string;
  userId: string;
  role: Role;
}
