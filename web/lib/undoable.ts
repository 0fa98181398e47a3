/**
 * The user's own last change to a task, taken back from a toast —
 * "Completed · Undo", the way Todoist does (docs/PROTOCOL.md D19).
 *
 * Each change runs in its own Yjs transaction under an origin made for it, and
 * a `Y.UndoManager` tracking only that origin records it. Undo reverts exactly
 * that change and nothing another device did meanwhile (Yjs keeps their
 * edits), and it is an ordinary local edit: synced, kept offline, and recorded
 * by the room as this device's, like the change it reverts.
 */
import { toast } from "sonner";
import * as Y from "yjs";
import { type ActorOrigin, tasksOf } from "../../shared/doc-schema.ts";

/**
 * Runs `change` and shows `label` with an Undo button for as long as the toast
 * stays. `scope` is the root map the change touches: the tasks (the default)
 * or the notes (a deleted note comes back with its whole body, W24).
 */
export function withUndo(doc: Y.Doc, deviceId: string, label: string, change: (origin: ActorOrigin) => void, scope: Y.Map<Y.Map<unknown>> = tasksOf(doc), onUndo?: () => void): void {
  // A new object per change: the manager tracks this change's transaction and no other.
  const origin: ActorOrigin = { actorLabel: `user:${deviceId}` };
  const manager = new Y.UndoManager(scope, { trackedOrigins: new Set([origin]), captureTimeout: 0 });
  change(origin);
  if (manager.undoStack.length === 0) {
    manager.destroy();
    return;
  }
  const done = () => manager.destroy();
  toast(label, {
    action: {
      label: "Undo",
      onClick: () => {
        manager.undo();
        done();
        onUndo?.();
      },
    },
    onDismiss: done,
    onAutoClose: done,
  });
}
