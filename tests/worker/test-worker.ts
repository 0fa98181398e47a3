/** The worker as the worker tests run it: production's entry, with the Brain binding served by TestBrain and the architect by TestArchitectWorkflow. */
export { default } from "../../party/server.ts";
export { TestBrain as Brain } from "./test-brain.ts";
export { TestArchitectWorkflow as ArchitectWorkflow } from "./test-architect.ts";
