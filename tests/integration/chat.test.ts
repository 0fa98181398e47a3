import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../shared/domain.ts";
import { http, login, providerDevice, socketDevice, until } from "./clients.ts";
import { type DevServer, startDevServer } from "./dev-server.ts";

describe("Brain — chat on a running dev server", () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer(undefined, { OFFLINE_TOKEN_DELAY_MS: "40" });
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
      await until(() => laptop.tasks().some((t) => t.title === "Call John"), "the assistant's task in the laptop's document");
      await phone.log.waitFor("event", (f) => f.event.type === "task.created");
      const state = await http(server, token)<{ tasks: Task[] }>("GET", "/api/v1/state");
      expect(state.body.tasks.map((t) => t.title)).toEqual(["Call John"]);
    } finally {
      laptop.close();
      phone.close();
      late.close();
    }
  });
});
