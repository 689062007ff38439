/**
 * Fixtures for tests of the runtime and of code driving it (the Inngest
 * driver's conformance suite, the benchmark): workflows with published
 * versions, nodes a test steers, waiting for a run.
 */
export { callsOf, createProbe, gate, testRegistry, type Probe } from "./nodes";
export { chain, createWorkflow, definition, eventually, publishVersion, waitForRun, waitForStatus } from "./workflows";
// What this process announces to itself once a change commits (tests stage a notice without the change).
export { announceRunEvents } from "../bus/local-signals";
