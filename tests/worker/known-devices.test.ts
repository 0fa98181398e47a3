import { describe, expect, it } from "vitest";
import { BrainStateSchema } from "../../shared/api.ts";
import { api, connect, freshUser, login } from "./helpers.ts";

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

describe("Brain — the devices the room has met", () => {
  it("[P16] a device's browser and OS come from its upgrade's user agent; it stays named, with its last seen, after it leaves", async () => {
    const token = await login(freshUser("known-devices"));
    const state = async () => BrainStateSchema.parse(await (await api(token).get("/api/v1/state")).json());
    const laptop = await connect(token, "laptop");
    await laptop.hello({ name: "Laptop" });
    const phone = await connect(token, "phone", { "user-agent": IPHONE });
    await phone.hello({ name: "Hana's phone", kind: "mobile" });
    const both = await laptop.next("presence", (f) => f.devices.length === 2);
    expect(both.devices.find((d) => d.deviceId === "phone")?.platform).toBe("Safari on iPhone");
    const before = (await state()).knownDevices?.find((d) => d.deviceId === "phone");
    expect(before).toMatchObject({ name: "Hana's phone", kind: "mobile", platform: "Safari on iPhone" });

    phone.close();
    // The room stores the departure before it tells the others (Room.close), so this presence frame follows it.
    await laptop.next("presence", (f) => f.devices.length === 1);
    const after = await state();
    expect(after.devices.map((d) => d.deviceId)).toEqual(["laptop"]);
    const gone = after.knownDevices?.find((d) => d.deviceId === "phone");
    expect(gone).toMatchObject({ name: "Hana's phone", kind: "mobile", platform: "Safari on iPhone" });
    expect(gone!.lastSeen >= before!.lastSeen).toBe(true);
    laptop.close();
  });
});
