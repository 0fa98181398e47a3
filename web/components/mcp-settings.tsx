/**
 * Settings → "Tools (MCP)" (docs/PROTOCOL.md M1, M6, M8, M13): add a server by
 * URL (with an optional bearer token, sent as a header and never shown again),
 * see each server's status and tools — read-only ones run directly, the others
 * ask first unless marked "run without asking" — connect one that needs OAuth,
 * and remove one.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plug, Trash2 } from "lucide-react";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { formatMoment } from "../../shared/format.ts";
import type { McpServerInfo, McpServerInput } from "../../shared/mcp.ts";
import { useZone } from "../hooks/use-zone.ts";
import { api } from "../lib/api.ts";
import { mcpServersQuery, stateQuery } from "../lib/queries.ts";

const input =
  "mt-1 block min-h-11 w-full rounded-lg border border-stone-300 bg-white px-3 py-2 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-stone-700 dark:bg-stone-900";
const button =
  "min-h-11 shrink-0 rounded-lg px-4 text-sm font-medium focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60 dark:focus-visible:ring-offset-stone-950";

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function McpSettings() {
  const queryClient = useQueryClient();
  const servers = useQuery(mcpServersQuery());
  const refresh = () => queryClient.invalidateQueries({ queryKey: mcpServersQuery().queryKey });
  const self = useRef<HTMLDivElement>(null);
  // Back from a server's authorization page (`/settings?mcp=<status>`, M13): show this section, not the top of Settings.
  useEffect(() => {
    if (new URLSearchParams(location.search).has("mcp")) self.current?.scrollIntoView({ block: "start" });
  }, []);
  // A new form after each add: the URL and name start empty again (the token is never kept).
  const [formKey, setFormKey] = useState(0);
  const add = useMutation({
    mutationFn: (body: McpServerInput) => api.mcpAdd(body),
    onSuccess: async (server) => {
      setFormKey((k) => k + 1);
      await refresh();
      if (server.status === "ok") toast.success(`${server.name} added with ${server.tools.length} tool${server.tools.length === 1 ? "" : "s"}`);
      else if (server.status === "needs_auth") toast.info(`${server.name} needs you to sign in: press Connect`);
      else toast.warning(`${server.name} was added but does not answer yet`);
    },
    onError: (error) => toast.error(`Not added: ${message(error)}`),
  });
  return (
    <div ref={self} data-testid="mcp-settings" className="scroll-mt-24 space-y-4">
      <p className="text-sm text-stone-600 dark:text-stone-400">
        Tool servers (Model Context Protocol) give the assistant new abilities, such as searching flights. Read-only tools run when the assistant needs them; anything
        else asks you first, unless you let it run without asking.
      </p>
      <AddServerForm key={formKey} adding={add.isPending} onAdd={(body) => add.mutate(body)} />
      {servers.isPending && <p className="text-sm text-stone-600 dark:text-stone-400">Loading tool servers…</p>}
      {servers.isError && <p role="alert" className="text-sm text-red-700 dark:text-red-400">Tool servers could not be loaded: {message(servers.error)}</p>}
      {servers.data && servers.data.servers.length === 0 && <p className="text-sm text-stone-600 dark:text-stone-400">No tool servers yet.</p>}
      {servers.data && servers.data.servers.length > 0 && (
        <ul className="space-y-3" aria-label="Tool servers">
          {servers.data.servers.map((server) => (
            <ServerRow key={server.id} server={server} onChanged={refresh} />
          ))}
        </ul>
      )}
    </div>
  );
}

function AddServerForm({ adding, onAdd }: { adding: boolean; onAdd: (body: McpServerInput) => void }) {
  const id = useId();
  const [url, setUrl] = useState("");
  const [name, setName] = useState("");
  const [token, setToken] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: McpServerInput = { url: url.trim() };
    if (name.trim()) body.name = name.trim();
    if (token.trim()) body.headers = { Authorization: `Bearer ${token.trim()}` };
    onAdd(body);
    setToken("");
  };
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2" aria-label="Add a tool server">
      <label className="text-sm font-medium sm:col-span-2" htmlFor={`${id}-url`}>
        Server URL
        <input id={`${id}-url`} className={input} type="url" required inputMode="url" placeholder="https://example.com/mcp" value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label className="text-sm font-medium" htmlFor={`${id}-name`}>
        Server name <span className="font-normal text-stone-600 dark:text-stone-400">(optional)</span>
        <input id={`${id}-name`} className={input} maxLength={40} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="text-sm font-medium" htmlFor={`${id}-token`}>
        Bearer token <span className="font-normal text-stone-600 dark:text-stone-400">(optional)</span>
        <input id={`${id}-token`} className={input} type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
      </label>
      <div className="sm:col-span-2">
        <button type="submit" disabled={adding || !url.trim()} className={`${button} inline-flex items-center gap-2 bg-indigo-600 text-white hover:bg-indigo-500`}>
          <Plug className="size-4" aria-hidden /> {adding ? "Connecting…" : "Add server"}
        </button>
      </div>
    </form>
  );
}

function statusText(server: McpServerInfo, zone: string): string {
  switch (server.status) {
    case "ok":
      return "Connected";
    case "needs_auth":
      return "Needs you to sign in";
    case "unreachable":
      return server.lastSeenAt ? `Unreachable — last seen ${formatMoment(server.lastSeenAt, zone)}` : "Unreachable — never reached";
  }
}

function ServerRow({ server, onChanged }: { server: McpServerInfo; onChanged: () => Promise<void> }) {
  const queryClient = useQueryClient();
  const { zone } = useZone();
  const headingId = useId();
  // Today's uses, from the room's usage (M10): the state is kept current by the socket.
  const usage = useQuery(stateQuery()).data?.usage.tools ?? {};
  const trust = useMutation({
    mutationFn: (trusted: string[]) => api.mcpTrust(server.id, trusted),
    // The answer is the server as saved: shown at once, so the box never flips back while the list refetches.
    onSuccess: (saved) => {
      queryClient.setQueryData(mcpServersQuery().queryKey, (list) => (list ? { servers: list.servers.map((s) => (s.id === saved.id ? saved : s)) } : list));
    },
    onError: (error) => toast.error(`Not changed: ${message(error)}`),
  });
  const remove = useMutation({
    mutationFn: () => api.mcpRemove(server.id),
    onSuccess: async () => {
      await onChanged();
      toast.success(`${server.name} removed`);
    },
    onError: (error) => toast.error(`Not removed: ${message(error)}`),
  });
  // While a change is saving, the boxes show what was asked — set in the click's own render, so a box never flips back.
  const [asked, setAsked] = useState<string[] | null>(null);
  const trusted = asked ?? server.tools.filter((t) => t.trusted).map((t) => t.name);
  const setTrusted = (next: string[]) => {
    setAsked(next);
    trust.mutate(next, { onSettled: () => setAsked(null) });
  };
  const tone = server.status === "ok" ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200" : "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200";
  return (
    <li aria-labelledby={headingId} className="rounded-lg border border-stone-200 p-3 dark:border-stone-800" data-testid="mcp-server">
      <div className="flex flex-wrap items-center gap-2">
        <h4 id={headingId} className="font-medium">{server.name}</h4>
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tone}`}>{statusText(server, zone)}</span>
        <span className="order-last min-w-0 basis-full truncate text-xs text-stone-600 dark:text-stone-400 sm:order-none sm:basis-auto sm:flex-1" title={server.url}>{server.url}</span>
        {server.status === "needs_auth" && server.authorizeUrl && (
          <a href={server.authorizeUrl} className={`${button} inline-flex items-center bg-indigo-600 text-white hover:bg-indigo-500`}>
            Connect
          </a>
        )}
        <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending} className={`${button} inline-flex items-center gap-2 text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950`} aria-label={`Remove ${server.name}`}>
          <Trash2 className="size-4" aria-hidden /> Remove
        </button>
      </div>
      {server.tools.length > 0 && (
        <ul className="mt-2 divide-y divide-stone-100 dark:divide-stone-800" aria-label={`Tools of ${server.name}`}>
          {server.tools.map((tool) => (
            <li key={tool.name} className="flex min-h-11 flex-wrap items-center gap-2 py-1 text-sm">
              <span className="min-w-0 flex-1">
                {tool.title ?? tool.name} <code className="text-xs break-all text-stone-600 dark:text-stone-400">{tool.name}</code>
                {tool.dailyCap !== undefined && (
                  <span className="block text-xs text-stone-600 dark:text-stone-400">
                    {usage[tool.name] ?? 0} of {tool.dailyCap} uses today
                  </span>
                )}
              </span>
              {tool.readOnly ? (
                <span className="shrink-0 text-xs text-stone-600 dark:text-stone-400">Read-only · runs directly</span>
              ) : (
                <label className="inline-flex min-h-11 shrink-0 cursor-pointer items-center gap-2 text-xs">
                  <input
                    type="checkbox"
                    className="size-4"
                    aria-label={`Run ${tool.title ?? tool.name} without asking`}
                    checked={trusted.includes(tool.name)}
                    disabled={trust.isPending}
                    onChange={(e) => setTrusted(e.target.checked ? [...trusted, tool.name] : trusted.filter((n) => n !== tool.name))}
                  />
                  {trusted.includes(tool.name) ? "Runs without asking" : "Asks first · run without asking"}
                </label>
              )}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
