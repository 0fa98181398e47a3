/** The worker as the worker tests run it: production's entry, with the Brain binding served by TestBrain. */
export { default } from "../../party/server.ts";
export { TestBrain as Brain } from "./test-brain.ts";
export { ArchitectWorkflow } from "../../party/server.ts";
