export * from "./api-keys";
export * from "./runs";
export * from "./schedules";
export * from "./secrets";
export * from "./users";
export * from "./workflows";
export * from "./workspaces";
export * from "./webhooks";
