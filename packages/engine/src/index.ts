// Definition format
export {
  CURRENT_SCHEMA_VERSION,
  NodeIdSchema,
  PositionSchema,
  RetryPolicySchema,
  WorkflowDefinitionSchema,
  WorkflowEdgeSchema,
  WorkflowNodeSchema,
  WorkflowSettingsSchema,
  type RetryPolicy,
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
  type WorkflowEdge,
  type WorkflowNode,
  type WorkflowSettings,
} from "./definition/schema";
export {
  toInputJsonSchema,
  workflowDefinitionJsonSchema,
  type JsonSchema,
} from "./definition/json-schema";
export { toJson, isJsonObject, type Json, type JsonObject } from "./json";
export type { NetworkPolicy, RunContext, RunMetadata } from "./context";

// Compiler
export { compile, type CompileResult } from "./compiler/compile";
export {
  PLAN_VERSION,
  type EdgeKind,
  type ExecutionPlan,
  type NodeRole,
  type PlanEdge,
  type PlanGroup,
  type PlanNode,
} from "./compiler/plan";
export type { Problem, ProblemCode } from "./compiler/problems";

// Node registry
export {
  builtInNodeTypes,
  createDefaultRegistry,
  createRegistry,
  defaultRegistry,
  type NodeDescriptor,
  type NodeRegistry,
} from "./nodes/registry";
export {
  DEFAULT_INPUT,
  defineNode,
  ERROR_HANDLE,
  type DurableContext,
  type HandleSpec,
  type NodeCategory,
  type NodeLogger,
  type NodeResult,
  type NodeRunContext,
  type NodeType,
} from "./nodes/types";
export {
  ApprovalDecisionSchema,
  type ApprovalDecision,
} from "./nodes/approval";
export {
  nextScheduleTimes,
  ScheduleConfigSchema,
  type ScheduleConfig,
} from "./nodes/trigger-schedule";
export {
  testNode,
  type LogEntry,
  type TestNodeOptions,
  type TestNodeResult,
} from "./interpreter/test-node";

// Interpreter
export { execute } from "./interpreter/execute";
export type {
  CompensationRecord,
  ExecuteOptions,
  RunControl,
  RunEvent,
  RunObserver,
  RunResult,
} from "./interpreter/types";
export type { StepEnvelope } from "./interpreter/node-runner";
export { backoffDelay, jitterFraction } from "./interpreter/retry";

// Step tools
export type {
  InvokeOptions,
  SleepOptions,
  StepTools,
  WaitForEventOptions,
} from "./step-tools/types";
export {
  createMemoryStepTools,
  type MemoryEvent,
  type MemoryStepTools,
  type MemoryStepToolsOptions,
  type PendingWait,
} from "./step-tools/memory";
export { containsJson, matchesEvent } from "./step-tools/match";
export {
  approvalEventName,
  attemptStepId,
  backoffStepId,
  baseStepId,
  compensationStepId,
  durableStepId,
  parseStepId,
  type ParsedStepId,
  type StepKind,
} from "./step-tools/step-ids";

// Expressions and secrets
export { evaluateExpression, checkExpression } from "./expressions/jsonata";
export {
  parseTemplate,
  renderTemplate,
  type TemplatePart,
} from "./expressions/template";
export { createMasker, MASK, type Masker } from "./secrets/mask";

// Network guard (also used by the API to validate allow-list entries)
export {
  classifyAddress,
  compileAllowList,
  isPublicAddress,
} from "./network/ssrf-guard";

// Errors
export {
  deserializeError,
  DuplicateStepIdError,
  EngineError,
  ErrorCodes,
  ExpressionError,
  InvalidConfigError,
  InvalidInputError,
  isRunInterruption,
  NodeTimeoutError,
  NonRetryableError,
  PlanError,
  RunCancelled,
  RunPaused,
  RunTimeoutError,
  serializeError,
  type ErrorCode,
  type SerializedError,
} from "./errors";
export {
  HttpRequestError,
  HttpStatusError,
  HttpTimeoutError,
  isRetryableStatus,
  SsrfBlockedError,
} from "./network/errors";
