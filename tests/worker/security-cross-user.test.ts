/**
 * The standing attack suite, cross-user (docs/PROTOCOL.md X3, G4): user A,
 * holding every id of user B's tasks, notes, memories, reminders, turns,
 * proposals, notifications and plan items, tries each on every route of the
 * route table and every input frame of the socket, and tries to reach B's
 * room by naming it (partyserver paths, trusted headers). A leak is any answer
 * to A carrying B's data, or any change in B's room.
 */
import { runDurableObjectAlarm, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../party/api/routes.ts";
import { z } from "zod";
import { BrainStateSchema, EventsPageSchema } from "../../shared/api.ts";
import { AcceptedSchema } from "../../shared/chat.ts";
import { ID, INPUT_SEEDS, type JsonValue, KEY, resolve } from "../support/fuzz.ts";
import { api, BASE, connect, freshUser, inRoom, login, stubOf, ticket } from "./helpers.ts";

/** Words only B's data contains: an answer to A that holds one has leaked. */
const SECRETS = ["Zanzibar", "Kilimanjaro", "Timbuktu", "Ouagadougou"] as const;
const CLOCK = Date.parse("2026-11-25T10:00:00.000Z");

type Victim = { user: string; token: string; ids: Map<string, string>; planDate: string };

async function streamText(token: string, turnId: string): Promise<string> {
  return (await api(token).get(`/api/v1/stream/${turnId}`)).text();
}

/** B's room with one of everything, each id named by what it is. */
async function victim(): Promise<Victim> {
  const user = freshUser("victim");
  const token = await login(user);
  const stub = await stubOf(user);
  await inRoom(stub, (b) => b.debugSetClock(CLOCK));
  const http = api(token);
  const ids = new Map<string, string>();
  const json = async <T>(res: Promise<Response>, schema: z.ZodType<T>): Promise<T> => {
    const r = await res;
    if (r.status >= 300) throw new Error(`victim setup: ${r.status} ${await r.text()}`);
    return schema.parse(await r.json());
  };
  const made = z.looseObject({ id: z.string() });
  ids.set("task", (await json(http.post("/api/v1/tasks", { action: "create", task: { title: "Zanzibar trip" } }), made)).id);
  ids.set("note", (await json(http.post("/api/v1/notes", { action: "create", note: { title: "Kilimanjaro", body: "Kilimanjaro route" } }), made)).id);
  ids.set("memory", (await json(http.post("/api/v1/memory/pin", { type: "fact", key: "Timbuktu", value: "Timbuktu cousin" }), made)).id);
  ids.set("reminder", (await json(http.post("/api/v1/reminders", { at: "2026-11-25T10:05:00Z", title: "Ouagadougou call" }), made)).id);
  const turn = await json(http.post("/api/v1/message", { text: "remind me to call Zanzibar friend tomorrow at 3pm" }), AcceptedSchema);
  await streamText(token, turn.turnId);
  ids.set("turn", turn.turnId);
  ids.set("message", turn.messageId);
  const deletion = await json(http.post("/api/v1/message", { text: "delete zanzibar trip" }), AcceptedSchema);
  await streamText(token, deletion.turnId);
  const planned = await json(http.post("/api/v1/message", { text: "plan my day" }), AcceptedSchema);
  await streamText(token, planned.turnId);
  await inRoom(stub, (b) => b.debugSetClock(CLOCK + 6 * 60_000));
  await runDurableObjectAlarm(stub);
  const state = await json(http.get("/api/v1/state"), BrainStateSchema);
  const proposal = state.proposals[0];
  const notification = state.notifications[0];
  const item = state.plan?.items[0];
  if (!proposal || !notification || !item || !state.plan) throw new Error(`victim setup incomplete: ${JSON.stringify(state).slice(0, 400)}`);
  ids.set("proposal", proposal.id);
  ids.set("notification", notification.id);
  ids.set("planItem", item.id);
  return { user, token, ids, planDate: state.plan.date };
}

/** What of B's room an attack could change: every event and the whole state but presence and the clock-derived usage. */
async function fingerprint(token: string): Promise<string> {
  const state = BrainStateSchema.parse(await (await api(token).get("/api/v1/state")).json());
  const { events } = EventsPageSchema.parse(await (await api(token).get("/api/v1/events?since=0&limit=1000")).json());
  const { devices: _devices, usage: _usage, ...rest } = state;
  return JSON.stringify({ rest, events: events.map((e) => e.id) });
}

/** What A must get: `not_found` (a frame naming B's object), refused (an HTTP write or an id in the path: 400 or 404, never a success), or anything without B's data. */
type Attempt = { what: string; status: number | string; text: string; answer: "not_found" | "refused" | "any" };

function wrongAnswer(a: Attempt): boolean {
  if (a.answer === "not_found") return a.status !== "not_found";
  if (a.answer === "refused") return a.status !== 404 && a.status !== 400;
  return false;
}

const leaks = (a: Attempt) => SECRETS.some((s) => a.text.includes(s));

describe("Security — cross-user attempts (workerd)", () => {
  it("[X3][G4][A6][C8] A holding all of B's ids reaches none of B's data, by any route, frame or room name; B's room is unchanged", async () => {
    const b = await victim();
    const bDevice = await connect(b.token, "b-laptop");
    await bDevice.hello();
    // B's own inbox arrives after hello (S8); what B receives from here on could only come from A.
    bDevice.send({ type: "ping", rid: "b-settled" });
    await bDevice.next("pong", (f) => f.rid === "b-settled");
    bDevice.frames.splice(0);
    const before = await fingerprint(b.token);

    const aUser = freshUser("attacker");
    const aToken = await login(aUser);
    const aStub = await stubOf(aUser);
    let aClock = CLOCK;
    await inRoom(aStub, (r) => r.debugSetClock(aClock));
    const attempts: Attempt[] = [];
    let writes = 0;
    const bIds = [...b.ids.values()];
    const pick = (id: string) => (p: string) => (p === ID ? id : `cross-${writes}-${p === KEY ? "key" : "x"}`);

    // Every route with each of B's ids in every path parameter, and every body that names an id with each of B's.
    const idBodies = Object.values(INPUT_SEEDS).flat().filter((seed) => JSON.stringify(seed).includes(ID));
    for (const route of ROUTES) {
      const params = route.path.split("/").filter((segment) => segment.startsWith(":")).length;
      const bodies: (JsonValue | undefined)[] = !route.write ? [undefined] : params > 0 ? [undefined, { minutes: 10 }] : idBodies;
      for (const id of bIds) {
        for (const body of bodies) {
          if (route.write && ++writes % 35 === 0) {
            // Under the write limit (40 a minute in worker tests), so every attempt reaches its handler.
            aClock += 61_000;
            const at = aClock;
            await inRoom(aStub, (r) => r.debugSetClock(at));
          }
          const path = route.path.replace(/:[A-Za-z]+/g, id);
          const query = route.path === "/api/v1/plan" ? `?date=${b.planDate}` : route.path === "/api/v1/events" ? "?since=0&limit=1000" : "";
          const sent = body === undefined ? undefined : resolve(body, pick(id));
          const res = await api(aToken).call(route.method, `${path}${query}`, sent);
          const text = await res.text();
          // Context ids are pointers the assistant follows only into the caller's own room (C1): accepted, then checked by the reply.
          // A write that reads no body and names nothing (`DELETE /api/v1/account`) can only touch A's own room.
          // V10: an upload names nothing either (its conversationId is looked up in A's room); without a provider it is 501.
          const ownOnly = (route.body === "none" || route.body === "multipart") && params === 0;
          const pointer = sent !== null && typeof sent === "object" && !Array.isArray(sent) && "contextIds" in sent;
          attempts.push({ what: `${route.method} ${path} ${JSON.stringify(sent)}`, status: res.status, text, answer: pointer || ownOnly ? "any" : route.write || params > 0 ? "refused" : "any" });
          // Only a message's 202 is a turn; `DELETE /api/v1/account` ignores the body and answers A's own proposal.
          if (pointer && res.status === 202 && route.path === "/api/v1/message") {
            const { turnId } = AcceptedSchema.parse(JSON.parse(text));
            attempts.push({ what: `reply to ${JSON.stringify(sent)}`, status: "stream", text: await streamText(aToken, turnId), answer: "any" });
          }
        }
      }
    }

    // The same over A's socket: every input frame that names an id, with each of B's ids; each answer is not_found.
    const frames: JsonValue[] = [];
    for (const id of bIds) {
      frames.push(
        { type: "reminder.dismiss", reminderId: id },
        { type: "reminder.snooze", reminderId: id, command: { minutes: 5 } },
        { type: "notification.ack", notificationId: id },
        { type: "turn.stop", turnId: id },
        { type: "proposal.confirm", proposalId: id },
        { type: "proposal.reject", proposalId: id },
      );
      for (const [name, seeds] of Object.entries(INPUT_SEEDS)) {
        if (name === "memory.unpin" || name === "reminder.snooze") continue;
        for (const seed of seeds) if (JSON.stringify(seed).includes(ID)) frames.push({ type: name, command: resolve(seed, pick(id)) });
      }
    }
    frames.push({ type: "plan.item", command: { date: b.planDate, itemId: b.ids.get("planItem") ?? "", action: "accept" } });
    for (let start = 0; start < frames.length; start += 150) {
      const s = await connect(aToken, "a-phone");
      await s.hello({ lastEventSeq: 0 });
      const batch = frames.slice(start, start + 150);
      for (const [i, frame] of batch.entries()) {
        if (frame === null || typeof frame !== "object" || Array.isArray(frame)) throw new Error("frames are objects");
        s.send({ ...frame, rid: `x-${start + i}` });
      }
      // Frames are handled in order: once the ping after them is answered, so are they.
      s.send({ type: "ping", rid: `batch-${start}` });
      await s.next("pong", (f) => f.rid === `batch-${start}`);
      for (const [i, frame] of batch.entries()) {
        const rid = `x-${start + i}`;
        const answer = s.frames.find((f) => (f.type === "error" || f.type === "ack") && f.rid === rid);
        const pointer = JSON.stringify(frame).includes("contextIds");
        attempts.push({
          what: `frame ${JSON.stringify(frame)}`,
          status: answer?.type === "error" ? answer.code : (answer?.type ?? "no answer"),
          text: JSON.stringify(answer ?? null),
          answer: pointer ? "any" : "not_found",
        });
      }
      s.send({ type: "events.backfill", rid: "bf", since: 0, limit: 1000 });
      await s.next("events", (f) => f.rid === "bf");
      attempts.push({ what: "everything A's socket received, backfill included", status: "frames", text: JSON.stringify(s.frames), answer: "any" });
      s.close();
    }

    // Naming B's room: partyserver's own paths, the trusted headers, a query parameter, a ticket claiming B.
    const aTicket = await ticket(aToken);
    const forged = `${btoa(b.user).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.${aTicket.split(".")[1]}`;
    const tricks: [string, RequestInit][] = [
      [`/parties/brain/${b.user}`, {}],
      [`/parties/brain/${b.user}/api/v1/state`, {}],
      [`/parties/main/${b.user}`, {}],
      [`/api/v1/state?userId=${b.user}&room=${b.user}`, {}],
      ["/api/v1/state", { headers: { "x-mc-user-id": b.user } }],
      ["/api/v1/state", { headers: { "x-partykit-room": b.user, "x-partykit-namespace": "brain" } }],
      [`/api/v1/../../parties/brain/${b.user}`, {}],
      [`/api/v1/socket?ticket=${forged}`, { headers: { upgrade: "websocket" } }],
    ];
    for (const [path, init] of tricks) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${aToken}`);
      const res = await SELF.fetch(`${BASE}${path}`, { ...init, headers });
      if (res.webSocket) {
        res.webSocket.accept();
        res.webSocket.close();
      }
      attempts.push({ what: `trick ${path} ${JSON.stringify(init.headers ?? {})}`, status: res.status, text: await res.text(), answer: "any" });
    }

    const after = await fingerprint(b.token);
    bDevice.send({ type: "ping", rid: "b-after" });
    await bDevice.next("pong", (f) => f.rid === "b-after");
    const leaked = attempts.filter(leaks);
    const found = attempts.filter(wrongAnswer);
    const notFound = attempts.filter((a) => a.status === 404 || a.status === "not_found").length;
    const bFrames = bDevice.frames.filter((f) => f.type !== "presence");
    console.log(
      `[X3] cross-user: ${attempts.length} attempts by A with B's ${b.ids.size} ids over ${ROUTES.length} routes, ${frames.length} frames and ${tricks.length} room-naming tricks; ` +
        `leaks ${leaked.length}; not found ${notFound}; answered otherwise than refused ${found.length}; frames B received ${bFrames.length}; B's room changed ${after === before ? "no" : "YES"}`,
    );
    expect(leaked.map((a) => a.what).slice(0, 5)).toEqual([]);
    expect(found.map((a) => `${a.status} ${a.what}`).slice(0, 5)).toEqual([]);
    expect(bFrames).toEqual([]);
    expect(after).toBe(before);
    expect(attempts.length).toBeGreaterThan(300);
    bDevice.close();
  }, 120_000);
});
