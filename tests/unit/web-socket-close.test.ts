import { describe, expect, it } from "vitest";
import { CLOSE_CODES } from "../../shared/protocol.ts";
import { afterSocketClose, MAX_TICKET_REFUSALS } from "../../web/lib/socket-close.ts";

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
