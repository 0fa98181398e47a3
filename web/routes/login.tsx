import { createFileRoute, useNavigate } from "@tanstack/react-router";
import { type FormEvent, useEffect, useState } from "react";
import { api, session } from "../lib/api.ts";

export const Route = createFileRoute("/login")({ component: Login });

/**
 * Deployed, an identity provider signs the user in and hands the app a token,
 * in the URL fragment (`#token=…`) or pasted below; locally, the dev login.
 */
function Login() {
  const navigate = useNavigate();
  const [token, setToken] = useState(() => new URLSearchParams(location.hash.slice(1)).get("token") ?? "");
  // An identity provider that redirects back with `#token=…` signs the user in at once.
  useEffect(() => {
    if (new URLSearchParams(location.hash.slice(1)).get("token")) void signInWithToken();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on arrival
  }, []);
  async function signInWithToken(e?: FormEvent) {
    e?.preventDefault();
    session.token = token.trim();
    history.replaceState(null, "", location.pathname);
    try {
      await api.state();
      await navigate({ to: "/chat" });
    } catch (err) {
      session.token = null;
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  const [userId, setUserId] = useState("alice");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      session.token = (await api.devLogin(userId.trim())).token;
      await navigate({ to: "/chat" });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <main className="flex min-h-full flex-col items-center justify-center p-6">
      <form onSubmit={submit} className="w-full max-w-sm space-y-4 rounded-2xl border border-stone-200 bg-white p-8 shadow-sm dark:border-stone-800 dark:bg-stone-900">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Micro CoS</h1>
          <p className="mt-1 text-sm text-stone-500">Your chief of staff, on every device.</p>
        </div>
        <label className="block text-sm font-medium">
          User id
          <input
            autoFocus
            name="userId"
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            className="mt-1 block w-full rounded-lg border border-stone-300 bg-transparent px-3 py-2 outline-none focus:ring-2 focus:ring-indigo-500 dark:border-stone-700"
          />
        </label>
        <button type="submit" className="w-full rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 focus-visible:outline-2">
          Log in (development)
        </button>
        <p className="text-xs text-stone-500">Local development sign-in. Deployed, sign in through your identity provider.</p>
        {error && (
          <p role="alert" className="text-sm text-red-600">
            {error}
          </p>
        )}
      </form>
      <form onSubmit={signInWithToken} className="mt-4 w-full max-w-sm space-y-2 text-sm">
        <label className="block text-stone-500">
          Or sign in with a token from your identity provider
          <input name="token" value={token} onChange={(e) => setToken(e.target.value)} placeholder="eyJ…" className="mt-1 block w-full rounded-lg border border-stone-300 bg-transparent px-3 py-2 font-mono text-xs dark:border-stone-700" />
        </label>
        <button type="submit" disabled={!token.trim()} className="rounded-lg border border-stone-300 px-3 py-1.5 disabled:opacity-40 dark:border-stone-700">
          Use token
        </button>
      </form>
    </main>
  );
}
