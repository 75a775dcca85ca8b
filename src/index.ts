// The library API of orchestrate: named exports only.
// Its types use Node's (signals, streams): kept in the declarations, so a project whose tsconfig lists no `types` (TypeScript 6's default) gets them.
/// <reference types="node" preserve="true" />
export { executeGraph, executeParallel, loadWorkflow, plan, WorkflowError } from './api.js';
export type { ApiPolicy, ApiTask } from './api.js';
export type { Agent, AgentContext, AgentFactory, AgentOutput } from './run/in-process-executor.js';
export type { PreviousError, FailureKind } from './run/attempt.js';
export type { RunResult, TaskResult, TaskStatus, RunStatus } from './run/result.js';
export type { Plan, PlanTask, PlanOptions, RecordedExpansions } from './plan/plan.js';
export type { RunEvent, EventType } from './telemetry/events.js';
export type { Workflow, TaskSpec, Policy, RetryPolicy, AgentSpec } from './workflow/model.js';
export type { Diagnostic, Position, Severity } from './workflow/diagnostics.js';
export type { WorkflowFile, ConfigFile } from './workflow/schema-types.js';
export { loadWorkflowText } from './workflow/load.js';
export { startRun } from './run/start-run.js';
export type { StartRunOptions, RunHandle } from './run/start-run.js';
export type { OutputListener } from './run/engine-options.js';
export type { Approver, ApprovalRequest, ApprovalDecision } from './run/approval.js';
export { EXIT, OrchestrateError } from './errors.js';
