/**
 * The outbound guard of calendar requests (docs/PROTOCOL.md K4): the endpoint
 * rule before every request and at every redirect hop, credentials kept to
 * their origin, the body cap read incrementally, the deadline.
 */
import { describe, expect, it } from "vitest";
import { guardedFetch, OutboundError } from "../../party/calendar/outbound.ts";

type Seen = { url: string; authorization: string | null; redirect: RequestRedirect };

function port(answer: (request: Request) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push({ url: request.url, authorization: request.headers.get("authorization"), redirect: request.redirect });
    return answer(request);
  };
  return { seen, fetcher };
}

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error instanceof Error ? error.message : "";
  }
  throw new Error("expected a refusal");
};

describe("Calendar — outbound requests", () => {
  it("[K4] a private or loopback address is refused before any request (loopback allowed only in development)", async () => {
    const { seen, fetcher } = port(() => new Response("x"));
    const production = guardedFetch(fetcher, { development: false });
    expect(await refusal(production("http://127.0.0.1:5232/cal/"))).toMatch(/https/);
    expect(await refusal(production("https://10.1.2.3/cal.ics"))).toMatch(/public host/);
    expect(await refusal(production("https://169.254.169.254/latest"))).toMatch(/public host/);
    expect(seen).toEqual([]);
    const development = guardedFetch(fetcher, { development: true });
    expect(await (await development("http://127.0.0.1:5232/cal/")).text()).toBe("x");
    expect(seen.map((s) => s.redirect)).toEqual(["manual"]);
  });

  it("[K4] every redirect hop is checked again; a hop to a private address is refused, not followed", async () => {
    const { seen, fetcher } = port((r) =>
      r.url.startsWith("https://calendar.example.com/") ? new Response(null, { status: 302, headers: { location: "https://192.168.1.1/admin" } }) : new Response("secret"),
    );
    const get = guardedFetch(fetcher, { development: false });
    expect(await refusal(get("https://calendar.example.com/feed.ics"))).toMatch(/public host/);
    expect(seen.map((s) => s.url)).toEqual(["https://calendar.example.com/feed.ics"]);
  });

  it("[K3][K4] credentials follow a redirect on the same origin and are dropped on another", async () => {
    const { seen, fetcher } = port((r) => {
      if (r.url === "https://dav.example.com/") return new Response(null, { status: 301, headers: { location: "/dav/" } });
      if (r.url === "https://dav.example.com/dav/") return new Response(null, { status: 307, headers: { location: "https://other.example.net/dav/" } });
      return new Response("<ok/>");
    });
    const get = guardedFetch(fetcher, { development: false });
    await get("https://dav.example.com/", { method: "PROPFIND", headers: { authorization: "Basic aGFuYTpwdw==" }, body: "<x/>" });
    expect(seen.map((s) => [s.url, s.authorization])).toEqual([
      ["https://dav.example.com/", "Basic aGFuYTpwdw=="],
      ["https://dav.example.com/dav/", "Basic aGFuYTpwdw=="],
      ["https://other.example.net/dav/", null],
    ]);
  });

  it("[K4] a body past the cap is abandoned, declared or streamed", async () => {
    const big = "x".repeat(2_000);
    const declared = guardedFetch(port(() => new Response(big, { headers: { "content-length": "2000" } })).fetcher, { development: false, maxBytes: 1_000 });
    expect(await refusal(declared("https://calendar.example.com/a.ics"))).toMatch(/larger than/);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(100));
      },
    });
    const streamed = guardedFetch(port(() => new Response(endless)).fetcher, { development: false, maxBytes: 1_000 });
    expect(await refusal(streamed("https://calendar.example.com/a.ics"))).toMatch(/larger than/);
    expect(pulled).toBeLessThan(20);
  });

  it("[K4] a server that never answers is a failed request at the deadline", async () => {
    const hanging: typeof fetch = (input, init) =>
      new Promise((_resolve, reject) => {
        const signal = new Request(input, init).signal;
        signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    const get = guardedFetch(hanging, { development: false, timeoutMs: 50 });
    expect(await refusal(get("https://calendar.example.com/a.ics"))).toMatch(/did not answer/);
  });
});
