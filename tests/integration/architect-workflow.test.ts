import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, login, socketDevice } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

type PendingProposal = { proposalId: string; tool: string; summary: string; entries?: { id: string; kind: string; title: string; start?: string; end?: string }[] };

describe("Brain — the architect workflow on a running dev server", () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "1" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("[B30][B41][B45] under `npm start`, the offline assistant's run goes end to end: progress on two devices, one proposal in the state", async () => {
    const token = await login(server, "ada-architect");
    const laptop = socketDevice(server, token, "ada-laptop");
    const phone = socketDevice(server, token, "ada-phone");
    try {
      await laptop.log.waitFor("welcome");
      await phone.log.waitFor("welcome");
      phone.send({ type: "message.send", rid: "m1", command: { text: "help me prepare for the half marathon on March 15", channel: "chat" } });
      const ack = await phone.log.waitFor("ack", (f) => f.rid === "m1");
      const { turnId } = ack.result as { turnId: string };
      const reply = await phone.log.waitFor("llm.completed", (f) => f.turnId === turnId);
      expect(reply.text).toMatch(/^I'm on it/);
      for (const device of [laptop, phone]) {
        await device.log.waitFor("architect.progress", (f) => f.step === "breakdown");
        await device.log.waitFor("architect.progress", (f) => f.step === "place");
        await device.log.waitFor("architect.progress", (f) => f.step === "propose");
      }
      const state = await http(server, token)<{ proposals: PendingProposal[] }>("GET", "/api/v1/state");
      const architect = state.body.proposals.filter((p) => p.tool === "architect");
      expect(architect).toHaveLength(1);
      const kinds = new Set((architect[0]!.entries ?? []).map((e) => e.kind));
      expect([...kinds].sort()).toEqual(["block", "milestone", "task"]);
    } finally {
      laptop.close();
      phone.close();
    }
  });
});
