import { createFileRoute, useNavigate } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { api, session } from "../lib/api.ts";

export const Route = createFileRoute("/login")({ component: Login });

function Login() {
  const navigate = useNavigate();
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
    <main className="grid min-h-full place-items-center p-6">
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
        <p className="text-xs text-stone-500">Local development sign-in. Deployed, the app uses your identity provider's token.</p>
        {error && (
          <p role="alert" className="text-sm text-red-600">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
