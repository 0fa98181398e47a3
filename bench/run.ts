/**
 * `npm run bench`: prints one JSON object of metrics, each beside a reference
 * measured in the same run on the same machine, with their ratio (DESIGN.md §6).
 * Machines here are shared and noisy: compare ratios, not milliseconds.
 */
import { loadBench } from "./browser-load.ts";

import { browserChatBench } from "./browser-chat.ts";
import { ledgerBench } from "./ledger.ts";
import { socketBench } from "./socket.ts";
import { tokenBench } from "./tokens.ts";
import { yjsBench } from "./yjs.ts";
import { wakeBench } from "./wake.ts";
import { memoryBench } from "./memory.ts";
import { curveBench } from "./curve.ts";
import { ttftBench } from "./ttft.ts";

const only = process.argv[2];
const results: Record<string, unknown> = { node: process.version, date: new Date().toISOString() };
if (!only || only === "ledger") Object.assign(results, ledgerBench());
if (!only || only === "socket") Object.assign(results, await socketBench());
if (!only || only === "yjs") Object.assign(results, await yjsBench());
if (!only || only === "tokens") Object.assign(results, await tokenBench());
if (!only || only === "load") Object.assign(results, await loadBench());

if (!only || only === "memory") Object.assign(results, await memoryBench());
if (!only || only === "wake") Object.assign(results, await wakeBench());
if (!only || only === "curve") Object.assign(results, await curveBench());
if (!only || only === "ttft") Object.assign(results, await ttftBench());

if (!only || only === "browser") Object.assign(results, await browserChatBench());
// Write synchronously: process.exit would cut an async write to a pipe short.
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`, () => process.exit(0));
