/**
 * U14, U16: work still running in a room when its account is erased (a reply
 * streaming from a held model) writes nothing afterwards: no row, no alarm.
 */
import { describe, expect, it } from "vitest";
import type { ChatEngine } from "../../party/chat/engine.ts";
import { gatedModel } from "../support/fake-models.ts";
import { api, connect, freshUser, inRoom, login, stubOf } from "./helpers.ts";
import { leftover } from "./leftover.ts";

describe("account erase with a turn in flight", () => {
  it("[U14][U16] a reply still streaming when the account is erased writes nothing into the emptied room, nor sets an alarm", async () => {
    const user = freshUser("erase-race");
    const token = await login(user);
    const stub = await stubOf(user);
    const gate = gatedModel();
    let oldChat: ChatEngine | null = null;
    await inRoom(stub, (brain) => {
      oldChat = brain.debugChat();
      oldChat.useModel(() => gate.model);
    });
    const s = await connect(token, "a");
    await s.hello();
    expect((await api(token).post("/api/v1/message", { text: "tell me a secret story", channel: "chat" })).status).toBe(202);
    await inRoom(stub, () => gate.ready);
    const { proposal } = (await (await api(token).call("DELETE", "/api/v1/account")).json()) as { proposal: { id: string } };
    expect((await api(token).post(`/api/v1/proposals/${proposal.id}/confirm`, {})).status).toBe(200);
    await expect.poll(() => leftover(user), { timeout: 20_000 }).toEqual({ rows: [], alarm: null, kv: [] });
    // The old room's turn goes on: its reply ends, and everything it then tries to write is refused.
    await inRoom(stub, async () => {
      gate.push("the old user's ", "private reply");
      gate.end();
      await oldChat!.idle().catch(() => {});
    });
    expect(await leftover(user)).toEqual({ rows: [], alarm: null, kv: [] });
    // And the new room is empty: no message of the old user.
    const state = (await (await api(token).get("/api/v1/state")).json()) as { recentMessages: unknown[] };
    expect(state.recentMessages).toEqual([]);
  }, 60_000);
});
