import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../shared/domain.ts";
import { http, login, providerDevice, socketDevice, untilDoc } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

describe("Brain — chat on a running dev server", () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "40", LOG_LEVEL: "info" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("[C1][C3][C5] two clients watch the offline reply stream in, its task appears on both, a third joining halfway sees it all", async () => {
    const token = await login(server, "dana");
    const laptop = providerDevice(server, token, "dana-laptop");
    const phone = socketDevice(server, token, "dana-phone");
    await laptop.log.waitFor("welcome");
    await phone.log.waitFor("welcome");
    phone.send({ type: "message.send", rid: "m1", command: { text: "remind me to call John tomorrow at 3pm", channel: "chat" } });
    const ack = await phone.log.waitFor("ack", (f) => f.rid === "m1");
    const { turnId } = ack.result as { turnId: string };
    await laptop.log.waitFor("llm.token", (f) => f.turnId === turnId && f.seq >= 4);
    const late = socketDevice(server, token, "dana-tablet");
    try {
      const done = await Promise.all([laptop, phone, late].map((d) => d.log.waitFor("llm.completed", (f) => f.turnId === turnId)));
      const texts = [laptop, phone, late].map((d) =>
        d.log.frames
          .filter((f) => f.type === "llm.token" && f.turnId === turnId)
          .map((f) => (f.type === "llm.token" ? f.token : ""))
          .join(""),
      );
      expect(done[0]!.text).toMatch(/^Done — I added “Call John”, due /);
      expect(texts).toEqual([done[0]!.text, done[0]!.text, done[0]!.text]);
      const seqs = late.log.frames.filter((f) => f.type === "llm.token").map((f) => (f.type === "llm.token" ? f.seq : -1));
      expect(seqs).toEqual(seqs.map((_, i) => i));
      await untilDoc(laptop.doc, () => laptop.tasks().some((t) => t.title === "Call John"), "the assistant's task in the laptop's document");
      await phone.log.waitFor("event", (f) => f.event.type === "task.created");
      const state = await http(server, token)<{ tasks: Task[] }>("GET", "/api/v1/state");
      expect(state.body.tasks.map((t) => t.title)).toEqual(["Call John"]);
    } finally {
      laptop.close();
      phone.close();
      late.close();
    }
  });

  it("[O1] the worker and room log structured JSON lines with request ids — never tokens, tickets or message text", async () => {
    const token = await login(server, "gwen");
    const ticketRes = await http(server, token)<{ ticket: string }>("POST", "/api/v1/socket/ticket");
    const secret = "my secret plan is to buy a sailboat";
    const sent = await http(server, token)<{ turnId: string }>("POST", "/api/v1/message", { text: `remember that my ${secret.slice(3)} is soon` });
    expect(sent.status).toBe(202);
    await server.untilOutput((output) => output.includes('"event":"turn.completed"'), "the turn to complete and be logged");
    const lines = server.output().split("\n").filter((l) => l.startsWith('{"level"'));
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = parsed.filter((l) => l.event === "http.request");
    expect(requests.length).toBeGreaterThan(2);
    for (const r of requests) expect(r).toMatchObject({ level: expect.any(String), requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), durationMs: expect.any(Number) });
    const all = server.output();
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split(".")[2]!);
    // A ticket's nonce and mac (A7), the parts that make it a credential.
    for (const part of ticketRes.body.ticket.split(".").slice(2)) expect(all).not.toContain(part);
    expect(all).not.toContain("sailboat");
  });
});
