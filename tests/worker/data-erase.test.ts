/**
 * U14, U16: work still running in a room when its account is erased (a reply
 * streaming from a held model) writes nothing afterwards: no row, no alarm.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatEngine } from "../../party/chat/engine.ts";
import { gatedModel } from "../support/fake-models.ts";
import { api, connect, freshUser, inRoom, login, stubOf } from "./helpers.ts";

/** Every non-empty table of the user's room (platform tables aside) and its alarm. */
function leftover(user: string) {
  return runInDurableObject(env.Brain.get(env.Brain.idFromName(user)), async (_b, ctx) => {
    const tables = ctx.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .toArray()
      .map((r) => r.name);
    // An FTS5 table's structure shadows (_data, _config, _idx) hold rows even when empty; the table itself is counted.
    const rows = tables.filter((name) => !/_fts_(data|config|idx)$/.test(name)).map((name) => ({ name, n: ctx.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`).one().n }));
    return { rows: rows.filter((r) => r.n > 0), alarm: await ctx.storage.getAlarm(), kv: [...(await ctx.storage.list()).keys()] };
  });
}

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
