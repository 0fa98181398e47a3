/**
 * The Notes list: pinned notes first, then the most recently changed; a
 * search matches the title and the body, ignoring case and accents.
 */

export type NoteItem = { id: string; title: string; body: string; pinned: boolean; updatedAt: string };

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

export function listNotes(notes: readonly NoteItem[], query: string): NoteItem[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  return notes
    .filter((n) => {
      if (words.length === 0) return true;
      const text = fold(`${n.title}\n${n.body}`);
      return words.every((w) => text.includes(w));
    })
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt.localeCompare(a.updatedAt));
}

/** A line to show under the title: the body's first words, without markdown marks. */
export function notePreview(body: string): string {
  return body
    .replace(/[#>*_`~-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 80);
}
