/**
 * The Brain as the worker tests run it: the production class plus the hooks
 * only tests need — a fixed clock (S11) and an alarm that fails once after
 * firing (S2) — and access to the room's parts. Bound as `Brain` by
 * tests/worker/test-worker.ts, so production code carries no test hook
 * (STYLE.md 14; partyserver's own tests subclass their servers the same way).
 */
import type { Command } from "../../shared/commands.ts";
import type { Result } from "../../shared/errors.ts";
import { Brain } from "../../party/brain.ts";
import type { SqlStore } from "../../party/core/sql.ts";
import type { RoomPorts } from "../../party/room-ports.ts";
import type { Applied } from "../../party/core/commands.ts";
import type { ChatEngine } from "../../party/chat/engine.ts";
import type { Ledger } from "../../party/core/ledger.ts";
import type { Schedule } from "../../party/schedule/runner.ts";
import type { ArchitectRoom } from "../../party/architect/architect-room.ts";
import type { Room } from "../../party/room.ts";
import type { VoiceJobs } from "../../party/voice/jobs.ts";
import type { VoiceProviders } from "../../party/voice/types.ts";

export class TestBrain extends Brain {
  /**
   * Voice providers by user, for a room built after an eviction (V15): an instance's own
   * (`debugVoice`) go with it, these are there from its construction on.
   */
  static voiceFor = new Map<string, VoiceProviders>();
  #fixedNow: number | null = null;
  #failNextAlarm = false;
  #failNextDocWrite = false;
  /** V6–V10: the voice providers a test gives this room (a fake Workers AI binding, a double); null: the configured ones. */
  #voice: VoiceProviders | null = null;

  protected override now(): number {
    return this.#fixedNow ?? Date.now();
  }

  /** Fixes the room's clock at `ms`; null returns it to real time. */
  debugSetClock(ms: number | null): void {
    this.#fixedNow = ms;
  }

  /** R4: the next document row insert throws, as a storage failure after the relay would. */
  debugFailNextDocWrite(): void {
    this.#failNextDocWrite = true;
  }

  protected override ports(config: RoomPorts["config"]): RoomPorts {
    const ports = super.ports(config);
    const sql: SqlStore = {
      exec: (query, ...bindings) => {
        if (this.#failNextDocWrite && query.startsWith("INSERT INTO doc_updates")) {
          this.#failNextDocWrite = false;
          throw new Error("injected document write failure");
        }
        return ports.sql.exec(query, ...bindings);
      },
      transactionSync: (fn) => ports.sql.transactionSync(fn),
    };
    const configured = ports.voice;
    return { ...ports, sql, voice: () => this.#voice ?? TestBrain.voiceFor.get(this.name) ?? configured?.() ?? { transcriber: null, speaker: null } };
  }

  /** Gives the room these voice providers from now on (read per job and per request). */
  debugVoice(providers: VoiceProviders | null): void {
    this.#voice = providers;
  }

  debugVoiceJobs(): VoiceJobs {
    return this.room.voice;
  }

  /** The next alarm fires the due reminders, then fails, as a crash after the write would. */
  debugFailNextAlarm(): void {
    this.#failNextAlarm = true;
  }

  override async onAlarm(): Promise<void> {
    if (this.#failNextAlarm) {
      this.#failNextAlarm = false;
      this.room.schedule.fireReminders(this.now());
      throw new Error("injected alarm failure after firing");
    }
    await super.onAlarm();
  }

  /** Applies a command as an assistant turn would, through the room's one write path (D4). */
  runTool(turnId: string, command: Command, correlationId: string): Result<Applied> {
    return this.room.execute(command, { actor: { kind: "assistant", turnId }, correlationId });
  }

  debugLedger(): Ledger {
    return this.room.ledger;
  }

  debugChat(): ChatEngine {
    return this.room.chat;
  }

  debugSchedule(): Schedule {
    return this.room.schedule;
  }

  debugArchitect(): ArchitectRoom {
    return this.room.architectRuns;
  }

  /** B12: the architect's hand-off, as the workflow's last step calls it. */
  debugArchitectPropose(input: unknown): ReturnType<Room["architect"]["propose"]> {
    return this.room.architect.propose(input);
  }
}
