/**
 * U17: the room's epoch. A device that kept local data of an erased account
 * (it was offline during the delete) names the old epoch on its socket and is
 * closed 4410: it never syncs the old document into the new, empty room.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CLOSE_CODES } from "../../shared/protocol.ts";
import { api, freshUser, login } from "./helpers.ts";

async function ticketOf(token: string): Promise<{ ticket: string; epoch?: string }> {
  const res = await api(token).post("/api/v1/socket/ticket", undefined);
  expect(res.status).toBe(201);
  return (await res.json()) as { ticket: string; epoch?: string };
}

/** Opens a socket naming `epoch`; resolves with its close code, or "open" once the room's first frame arrives. */
async function socketWith(token: string, epoch: string | null): Promise<number | "open"> {
  const { ticket } = await ticketOf(token);
  const res = await SELF.fetch(`https://cos.test/api/v1/socket?ticket=${encodeURIComponent(ticket)}${epoch === null ? "" : `&epoch=${encodeURIComponent(epoch)}`}`, { headers: { upgrade: "websocket" } });
  const ws = res.webSocket;
  if (!ws) throw new Error(`no websocket: ${res.status}`);
  const outcome = new Promise<number | "open">((resolve) => {
    ws.addEventListener("close", (e) => resolve(e.code));
    ws.addEventListener("message", () => resolve("open"));
  });
  ws.accept();
  const result = await outcome;
  if (result === "open") ws.close(1000, "done");
  return result;
}

describe("your data — the room's epoch", () => {
  it("[U17] ticket and state name the same epoch; a socket naming it opens, one naming another is closed 4410", async () => {
    const token = await login(freshUser("epoch"));
    const { epoch } = await ticketOf(token);
    expect(epoch).toMatch(/^[0-9a-f-]{36}$/);
    const state = (await (await api(token).get("/api/v1/state")).json()) as { epoch?: string };
    expect(state.epoch).toBe(epoch);
    expect(await socketWith(token, epoch!)).toBe("open");
    expect(await socketWith(token, null)).toBe("open");
    expect(await socketWith(token, "another-epoch")).toBe(CLOSE_CODES.accountDeleted);
  });

  it("[U14][U17] after the account is erased the room has a new epoch, and a device of the old one is closed 4410 and syncs nothing", async () => {
    const user = freshUser("epoch-erase");
    const token = await login(user);
    const { epoch: old } = await ticketOf(token);
    expect((await api(token).post("/api/v1/tasks", { action: "create", task: { title: "Secret" } })).status).toBe(201);
    const { proposal } = (await (await api(token).call("DELETE", "/api/v1/account")).json()) as { proposal: { id: string } };
    expect((await api(token).post(`/api/v1/proposals/${proposal.id}/confirm`, {})).status).toBe(200);
    const again = await login(user);
    await expect.poll(async () => ((await (await api(again).get("/api/v1/state")).json()) as { tasks: unknown[] }).tasks.length, { timeout: 20_000 }).toBe(0);
    // The old device reconnects naming the epoch its local copy belongs to.
    expect(await socketWith(again, old!)).toBe(CLOSE_CODES.accountDeleted);
    const { epoch: now } = await ticketOf(again);
    expect(now).not.toBe(old);
    expect(await socketWith(again, now!)).toBe("open");
    expect(((await (await api(again).get("/api/v1/state")).json()) as { tasks: unknown[] }).tasks).toEqual([]);
  });
});
