import { describe, expect, it } from "vitest";
import { CLOSE_CODES } from "../../shared/protocol.ts";
import { afterDataClose, afterSocketClose, connectRetryDelay, CONNECT_RETRY_FIRST_MS, CONNECT_RETRY_MAX_MS, MAX_TICKET_REFUSALS } from "../../web/lib/socket-close.ts";

describe("Web — socket closes", () => {
  it("[P15] 4401 means a fresh ticket, and after a few refusals in a row, stop and sign in — not a blind retry", () => {
    let refusals = 0;
    const actions: string[] = [];
    for (let i = 0; i < MAX_TICKET_REFUSALS; i++) {
      const verdict = afterSocketClose(CLOSE_CODES.unauthorized, refusals);
      refusals = verdict.refusals;
      actions.push(verdict.action);
    }
    expect(actions).toEqual([...Array<string>(MAX_TICKET_REFUSALS - 1).fill("new-ticket"), "stop"]);
  });

  it("[P15] any other close is a network failure: reconnect, and the refusals counted so far stand", () => {
    for (const code of [undefined, 1000, 1001, 1006, 1011, CLOSE_CODES.protocolMismatch]) {
      expect(afterSocketClose(code, 1), String(code)).toEqual({ action: "reconnect", refusals: 1 });
    }
  });
});

describe("Web — a connect that could not start (W44)", () => {
  it("[W44] waits 1 s, then twice as long each time, never more than 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(connectRetryDelay)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, CONNECT_RETRY_MAX_MS, CONNECT_RETRY_MAX_MS, CONNECT_RETRY_MAX_MS]);
    expect(connectRetryDelay(0)).toBe(CONNECT_RETRY_FIRST_MS);
  });

  it("[U11][U15][W113] 4409 reloads the data and 4410 signs out; no other close is about the data", () => {
    expect(afterDataClose(CLOSE_CODES.dataReplaced)).toBe("reload");
    expect(afterDataClose(CLOSE_CODES.accountDeleted)).toBe("signed-out");
    for (const code of [undefined, 1000, 1006, CLOSE_CODES.unauthorized, CLOSE_CODES.protocolMismatch]) expect(afterDataClose(code), String(code)).toBeNull();
    // A deleted account is not a refusal to retry with a new ticket: the socket layer would only reconnect.
    expect(afterSocketClose(CLOSE_CODES.accountDeleted, 0).action).toBe("reconnect");
  });
});
