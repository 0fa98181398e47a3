/**
 * `npm run bench`: prints one JSON object of metrics, each beside a reference
 * measured in the same run on the same machine, with their ratio (DESIGN.md §6).
 * Machines here are shared and noisy: compare ratios, not milliseconds.
 */
import { cpus, loadavg } from "node:os";
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
import { searchAckBench, searchBench } from "./search.ts";
import { voiceBench } from "./voice.ts";

const only = process.argv[2];
/** `npm run bench -- measure`: the four of issue 19 items 3–6 in one run. */
const measure = only === "measure";
const results: Record<string, unknown> = { node: process.version, date: new Date().toISOString(), cpus: cpus().length, loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))) };
if (!only || only === "ledger") Object.assign(results, ledgerBench());
if (!only || only === "socket") Object.assign(results, await socketBench());
if (!only || only === "yjs") Object.assign(results, await yjsBench());
if (!only || only === "tokens") Object.assign(results, await tokenBench());
if (!only || only === "load") Object.assign(results, await loadBench());
if (!only || only === "search") Object.assign(results, searchAckBench(), searchBench());
if (!only || only === "voice") Object.assign(results, await voiceBench());

if (!only || measure || only === "memory") Object.assign(results, await memoryBench());
if (!only || measure || only === "wake") Object.assign(results, await wakeBench());
if (!only || measure || only === "curve") Object.assign(results, await curveBench());
if (!only || measure || only === "ttft") Object.assign(results, await ttftBench());

if (!only || only === "browser") Object.assign(results, await browserChatBench());
results.loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
// Write synchronously: process.exit would cut an async write to a pipe short.
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`, () => process.exit(0));
