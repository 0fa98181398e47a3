/**
 * A plain page that proves the brain works end to end: dev login, live tasks
 * from the Yjs document, presence of the user's devices. The full app is the
 * web client issue.
 */
import { useQuery } from "@tanstack/react-query";
import { createFileRoute } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useBrain } from "../hooks/use-brain.ts";
import { api, session } from "../lib/api.ts";
import { stateQuery } from "../lib/queries.ts";

export const Route = createFileRoute("/")({ component: Home });

function Home() {
  const [token, setToken] = useState(session.token);
  if (!token) return <Login onToken={setToken} />;
  return <Brain onLogout={() => { session.token = null; setToken(null); }} />;
}

function Login({ onToken }: { onToken: (token: string) => void }) {
  const [userId, setUserId] = useState("alice");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const { token } = await api.devLogin(userId);
      session.token = token;
      onToken(token);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form onSubmit={submit}>
      <label>
        User id <input name="userId" value={userId} onChange={(e) => setUserId(e.target.value)} />
      </label>{" "}
      <button type="submit">Log in (development)</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function Brain({ onLogout }: { onLogout: () => void }) {
  const state = useQuery(stateQuery());
  const live = useBrain(true);
  const [title, setTitle] = useState("");
  const [message, setMessage] = useState("");
  const ask = (e: FormEvent) => {
    e.preventDefault();
    if (!message.trim()) return;
    live.send(message);
    setMessage("");
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return;
    await api.task({ action: "create", task: { title } });
    setTitle("");
  };
  return (
    <section>
      <p>
        Signed in as <strong>{state.data?.userId ?? "…"}</strong> · socket <strong data-testid="status">{live.status}</strong> ·
        event #{live.lastEventSeq} <button onClick={onLogout}>Log out</button>
      </p>
      {live.notifications.length > 0 && (
        <aside role="status" data-testid="notifications">
          {live.notifications.map((n) => (
            <p key={n.id}>
              🔔 <strong>{n.title}</strong> — {n.body} <button onClick={() => live.ack(n.id)}>Dismiss</button>
            </p>
          ))}
        </aside>
      )}
      <h2>Conversation</h2>
      <ol data-testid="history">
        {state.data?.recentMessages.slice(-20).map((m) => (
          <li key={m.id}>
            <strong>{m.role === "user" ? "You" : "Assistant"}:</strong> {m.text}
            {m.status !== "complete" && <em> ({m.status})</em>}
          </li>
        ))}
      </ol>
      <h2>Assistant</h2>
      <form onSubmit={ask}>
        <input name="message" placeholder="remind me to call John tomorrow at 3pm" value={message} onChange={(e) => setMessage(e.target.value)} size={48} />{" "}
        <button type="submit">Send</button>
      </form>
      <ul data-testid="replies">
        {live.replies.map((r) => (
          <li key={r.turnId}>
            <span>{r.text}</span>
            {r.status !== "completed" && <em> ({r.status})</em>}
            {r.actions.map((a) => (
              <div key={a}>
                <small>{a}</small>
              </div>
            ))}
          </li>
        ))}
      </ul>
      <h2>Devices</h2>
      <ul data-testid="devices">
        {live.devices.map((d) => (
          <li key={d.deviceId}>
            {d.name} ({d.kind}){d.focused ? " · focused" : ""}
          </li>
        ))}
      </ul>
      <h2>Tasks</h2>
      <form onSubmit={add}>
        <input name="title" placeholder="New task" value={title} onChange={(e) => setTitle(e.target.value)} />{" "}
        <button type="submit">Add</button>
      </form>
      <ul data-testid="tasks">
        {live.tasks.map((t) => (
          <li key={t.id}>
            <label>
              <input
                type="checkbox"
                checked={t.status === "done"}
                onChange={() => void api.task({ action: "complete", taskId: t.id })}
              />{" "}
              {t.title}
            </label>
          </li>
        ))}
      </ul>
      <h2>Memories</h2>
      <ul>
        {state.data?.memories.map((m) => (
          <li key={m.id}>
            {m.key}: {m.value}
          </li>
        ))}
      </ul>
    </section>
  );
}
