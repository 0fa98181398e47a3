import { createFileRoute, useNavigate } from "@tanstack/react-router";
import { type FormEvent, useEffect, useState } from "react";
import { useDocumentTitle } from "../hooks/use-document-title.ts";
import { ApiError, api, session } from "../lib/api.ts";

export const Route = createFileRoute("/login")({ component: Login });

/**
 * Deployed, an identity provider signs the user in and hands the app a token,
 * in the URL fragment (`#token=…`) or pasted below; locally, the dev login.
 */
function Login() {
  useDocumentTitle("Sign in");
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
      setError(signInError(err));
    }
  };
  // W51: 44 px targets; W50: one h1 (tabIndex -1, as every view's); the error is announced (role="alert").
  return (
    <main id="main" className="flex min-h-full flex-col items-center justify-center p-6">
      <form onSubmit={submit} aria-labelledby="sign-in" className="w-full max-w-sm space-y-4 rounded-2xl border border-stone-200 bg-white p-8 shadow-sm dark:border-stone-800 dark:bg-stone-900">
        <div>
          <h1 id="sign-in" tabIndex={-1} className="text-2xl font-semibold tracking-tight">
            Micro CoS
          </h1>
          <p className="mt-1 text-sm text-stone-600 dark:text-stone-400">Your chief of staff, on every device.</p>
        </div>
        <div>
          <label htmlFor="user-id" className="block text-sm font-medium">
            User id
          </label>
          <input
            id="user-id"
            autoFocus
            name="userId"
            autoComplete="username"
            required
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            aria-describedby="dev-sign-in"
            aria-invalid={error ? true : undefined}
            aria-errormessage={error ? "sign-in-error" : undefined}
            className="mt-1 block min-h-11 w-full rounded-lg border border-stone-400 bg-transparent px-3 py-2 dark:border-stone-600"
          />
        </div>
        <button type="submit" className="min-h-11 w-full rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500">
          Log in (development)
        </button>
        <p id="dev-sign-in" className="text-xs text-stone-600 dark:text-stone-400">
          Local development sign-in. Deployed, sign in through your identity provider.
        </p>
        {error && (
          <p id="sign-in-error" role="alert" className="text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
      </form>
      <form onSubmit={signInWithToken} aria-label="Sign in with a token" className="mt-4 w-full max-w-sm space-y-2 text-sm">
        <label htmlFor="token" className="block text-stone-600 dark:text-stone-400">
          Or sign in with a token from your identity provider
        </label>
        <input
          id="token"
          name="token"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          placeholder="eyJ…"
          autoComplete="off"
          spellCheck={false}
          className="block min-h-11 w-full rounded-lg border border-stone-400 bg-transparent px-3 py-2 font-mono text-xs dark:border-stone-600"
        />
        <button type="submit" disabled={!token.trim()} className="min-h-11 rounded-lg border border-stone-400 px-4 py-2 disabled:opacity-40 dark:border-stone-600">
          Use token
        </button>
      </form>
    </main>
  );
}

/** What the user reads when the development sign-in fails: what to do, not the validator's wording. */
function signInError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.body.code === "invalid_request") return "That user id can't be used: use 1–128 letters, digits or _ . @ | : -";
    if (err.body.code === "rate_limited") return "Too many sign-ins just now. Try again in a minute.";
    return err.message;
  }
  return navigator.onLine ? String(err instanceof Error ? err.message : err) : "You're offline. Sign in once the connection is back.";
}
