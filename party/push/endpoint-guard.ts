/**
 * N4, G9: where the room may send a push. A subscription's endpoint is a URL a
 * client chose, and the room will POST to it from the alarm — without a guard
 * that is a server-side request forgery primitive. Production accepts https on
 * public hosts only; development (`ENVIRONMENT=development`: `npm start`, the
 * tests) also accepts http on loopback, so a local push service can stand in for
 * a browser vendor's.
 *
 * The URL is parsed by the WHATWG parser first, which normalises the tricks
 * (`http://0x7f.1`, `http://2130706433`, `[::ffff:127.0.0.1]`) to canonical
 * literals before they are judged. A public name that resolves to a private
 * address is out of reach here (Workers cannot resolve names); Cloudflare's
 * outbound fetch does not reach private networks.
 */
import { MAX_ENDPOINT_LENGTH } from "../../shared/push.ts";

export type EndpointVerdict = { ok: true; url: URL } | { ok: false; reason: string };

export function checkEndpoint(endpoint: string, development: boolean): EndpointVerdict {
  if (endpoint.length > MAX_ENDPOINT_LENGTH) return { ok: false, reason: `endpoint is longer than ${MAX_ENDPOINT_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, reason: "endpoint is not a URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "endpoint must not carry credentials" };
  const host = url.hostname.toLowerCase();
  const loopback = isLoopback(host);
  if (url.protocol === "http:") {
    if (development && loopback) return { ok: true, url };
    return { ok: false, reason: development ? "endpoint must be https, or http on loopback in development" : "endpoint must be https" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "endpoint must be https" };
  if (loopback) return development ? { ok: true, url } : { ok: false, reason: "endpoint must be on a public host" };
  if (!isPublicHost(host)) return { ok: false, reason: "endpoint must be on a public host" };
  return { ok: true, url };
}

/** `localhost`, `*.localhost`, 127.0.0.0/8, ::1 (and its IPv4-mapped forms). */
function isLoopback(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = ipv4(host) ?? mappedIpv4(host);
  if (v4) return v4[0] === 127;
  return host === "[::1]";
}

/** A name with a dot that is no special-use name, or a public IP literal. */
function isPublicHost(host: string): boolean {
  const v4 = ipv4(host);
  if (v4) return isPublicIpv4(v4);
  if (host.startsWith("[")) return isPublicIpv6(host.slice(1, -1));
  // A single label (`intranet`, `router`) only resolves on a local network; special-use names never publicly (RFC 6761, 8375).
  if (!host.includes(".")) return false;
  return !/(^|\.)(local|localdomain|internal|intranet|lan|home|home\.arpa|corp|private|test|invalid|example|onion)$/.test(host);
}

function ipv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

/** `[::ffff:7f00:1]`: the WHATWG parser writes IPv4-mapped addresses in hex. */
function mappedIpv4(host: string): number[] | null {
  const m = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(host);
  if (!m) return null;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255];
}

function isPublicIpv4([a, b]: number[]): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false; // this network, private, loopback, multicast and reserved
  if (a === 169 && b === 254) return false; // link-local (cloud metadata lives here)
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 100 && b >= 64 && b <= 127) return false; // carrier-grade NAT
  if (a === 192 && b === 0) return false; // IETF protocol assignments, documentation
  if (a === 198 && (b === 18 || b === 19)) return false; // benchmarking
  return true;
}

function isPublicIpv6(address: string): boolean {
  const mapped = mappedIpv4(`[${address}]`);
  if (mapped) return isPublicIpv4(mapped);
  if (address === "::" || address === "::1") return false;
  const first = parseInt(address.split(":")[0] || "0", 16);
  if ((first & 0xfe00) === 0xfc00) return false; // unique local fc00::/7
  if ((first & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((first & 0xff00) === 0xff00) return false; // multicast
  if (address.startsWith("64:ff9b:")) return false; // NAT64 can reach IPv4 private space
  return (first & 0xe000) === 0x2000; // global unicast 2000::/3 only
}
