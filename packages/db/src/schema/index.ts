export * from "./api-keys";
export * from "./users";
export * from "./workspaces";
