import type { Database, DatabaseHandle } from "@trellis/db";
import type { Role } from "@trellis/db/schema";

/** The workspace a service call acts in, and who acts. */
export interface WorkspaceScope {
  db: Database;
  /** See DataScope. */
  handle?: DatabaseHandle;
  workspaceId: string;
  userId: string;
  role: Role;
}

/**
 * What a data service needs: the workspace it acts in and, when a person acts,
 * who (recorded as `createdBy`). REST calls act through an API key, which is
 * nobody in particular, so their `userId` is null. Roles and scopes were
 * checked at the edge before a service is called.
 */
export interface DataScope {
  db: Database;
  /**
   * The open database `db` belongs to, when the edge has it: the runtime's
   * statements (starting and steering runs) then go straight to the driver's
   * pool as prepared statements instead of through Drizzle.
   */
  handle?: DatabaseHandle;
  workspaceId: string;
  userId: string | null;
}
