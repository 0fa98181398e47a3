/**
 * The accessibility audit's instruments (docs/PROTOCOL.md W50–W54), shared by
 * tests/e2e/views.test.ts and tests/e2e/keyboard.test.ts: the list of views
 * (from the route tree and the shell's nav, so a new view is audited by
 * construction), axe, the touch-target measure, where focus is and whether it
 * is visible. Each check returns findings as readable lines; a test collects
 * them over every view and fails once with the whole list.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";

/** WCAG 2.1 A and AA: what axe checks (W52). */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
/** Minimum touch target at phone width, in CSS px (W51: Apple's and Material's 44 pt/48 dp; WCAG 2.5.5). */
export const MIN_TARGET = 44;
export const APP_NAME = "Micro CoS";

export const WIDTHS = {
  desktop: { width: 1200, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
export type Width = keyof typeof WIDTHS;
export type Scheme = "light" | "dark";

/**
 * Every path of the app, read from the route tree TanStack Router generates from
 * `web/routes/` (its `FileRoutesByTo`), without `/` (it redirects to the chat). A file
 * added under web/routes is in this list the next time the app is built.
 */
export function routePaths(): string[] {
  const tree = readFileSync(join(process.cwd(), "web/route-tree.gen.ts"), "utf8");
  const block = /export interface FileRoutesByTo \{([^}]*)\}/.exec(tree)?.[1];
  if (!block) throw new Error("web/route-tree.gen.ts has no FileRoutesByTo: has TanStack Router's generator changed its output?");
  return [...block.matchAll(/'([^']+)':/g)].map((m) => m[1]!).filter((path) => path !== "/");
}

export type NavView = { name: string; path: string };

/** The views the shell's navigation offers, in its order: each link's accessible name and path. */
export async function navViews(page: Page): Promise<NavView[]> {
  const links = page.getByRole("navigation", { name: "Views" }).getByRole("link");
  const views: NavView[] = [];
  for (const link of await links.all()) {
    const href = await link.getAttribute("href");
    views.push({ name: (await link.innerText()).trim() || ((await link.getAttribute("aria-label")) ?? "?"), path: href ? new URL(href, "http://x").pathname : "?" });
  }
  return views;
}

/** The nav link of a view. */
export const navLink = (page: Page, name: string) => page.getByRole("navigation", { name: "Views" }).getByRole("link", { name, exact: true });

/** Serious and critical axe violations, one line each per element (W52). */
export async function axeFindings(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) =>
      v.nodes.map((node) => {
        const why = [...node.any, ...node.all, ...node.none].map((check) => check.message).filter(Boolean)[0] ?? node.failureSummary ?? "";
        return `axe ${v.id} (${v.impact}) at \`${node.target.join(" ")}\`: ${v.help}. ${why} — ${v.helpUrl.replace(/\?.*$/, "")}`;
      }),
    );
}

export type TargetOffender = { name: string; role: string; width: number; height: number; where: string };

/**
 * Interactive elements smaller than 44×44 px (W51). Counted: links with an href, buttons,
 * inputs (not hidden), selects, textareas, summary, contenteditable, elements with an
 * interactive role or a tabindex ≥ 0 — when visible (rendered, not `visibility: hidden`,
 * not transparent, larger than 1×1 px and not clipped away: a visually hidden `sr-only`
 * element is no target until it shows, as the skip link does on focus).
 * A checkbox or radio counts with its label (clicking the label toggles it: WCAG's
 * target is the pair), so either the control or one of its labels must reach 44×44.
 * Excluded, per WCAG 2.5.8's inline exception: a link displayed `inline` inside a block
 * whose text is longer than the link's own — a link in a sentence, whose height the line
 * of text sets.
 */
export async function smallTargets(page: Page): Promise<TargetOffender[]> {
  return page.evaluate((min: number): TargetOffender[] => {
    const selector = [
      "a[href]",
      "button",
      "input:not([type=hidden])",
      "select",
      "textarea",
      "summary",
      "[contenteditable='']",
      "[contenteditable='true']",
      "[tabindex]:not([tabindex='-1'])",
      ...["button", "link", "checkbox", "radio", "switch", "tab", "menuitem", "option", "slider", "combobox", "textbox"].map((r) => `[role=${r}]`),
    ].join(",");
    const big = (r: DOMRect) => r.width >= min - 0.5 && r.height >= min - 0.5;
    const blockOf = (el: Element): Element => {
      let node = el.parentElement;
      while (node && getComputedStyle(node).display.startsWith("inline")) node = node.parentElement;
      return node ?? document.body;
    };
    const nameOf = (el: Element): string => {
      const label = el.getAttribute("aria-label");
      if (label) return label;
      const by = el.getAttribute("aria-labelledby");
      if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent?.trim() ?? "").join(" ");
      const labels = el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement ? [...(el.labels ?? [])] : [];
      const text = labels.map((l) => l.textContent?.trim()).join(" ") || (el instanceof HTMLElement ? el.innerText.trim() : "");
      return (text || el.getAttribute("title") || el.getAttribute("placeholder") || "(no name)").replace(/\s+/g, " ").slice(0, 60);
    };
    const whereOf = (el: Element): string => {
      const testid = el.closest("[data-testid]")?.getAttribute("data-testid");
      const region = el.closest("nav,header,main,aside,form,section,[role=dialog],[data-sonner-toaster]");
      const regionName = region ? `${region.tagName.toLowerCase()}${region.getAttribute("aria-label") ? `[aria-label="${region.getAttribute("aria-label")}"]` : ""}` : "page";
      return `${regionName}${testid ? ` [data-testid=${testid}]` : ""} > ${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).slice(0, 4).join(".")}` : ""}`;
    };
    const found: TargetOffender[] = [];
    for (const el of document.querySelectorAll(selector)) {
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1) continue;
      // Visually hidden by clipping (sr-only's clip-path: inset(50%)): nothing to touch.
      const clip = getComputedStyle(el).clipPath;
      if (clip === "inset(50%)" || /^rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)$/.test(getComputedStyle(el).clip)) continue;
      if (big(rect)) continue;
      if (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio") && [...(el.labels ?? [])].some((l) => big(l.getBoundingClientRect()))) continue;
      if (el.tagName === "A" && getComputedStyle(el).display === "inline") {
        const own = (el.textContent ?? "").trim().length;
        const block = (blockOf(el).textContent ?? "").trim().length;
        if (block > own) continue;
      }
      found.push({ name: nameOf(el), role: el.getAttribute("role") ?? el.tagName.toLowerCase(), width: Math.round(rect.width), height: Math.round(rect.height), where: whereOf(el) });
    }
    return found;
  }, MIN_TARGET);
}

export type Focused = { tag: string; name: string; inMain: boolean; isH1: boolean; h1Count: number; h1Text: string | null; ring: boolean; style: string };

/** What has focus now: is it the view's h1, and would the user see where it is (W50, W53)? */
export async function focused(page: Page): Promise<Focused> {
  return page.evaluate((): Focused => {
    const el = document.activeElement ?? document.body;
    const main = document.querySelector("main");
    const css = getComputedStyle(el);
    const outline = css.outlineStyle !== "none" && parseFloat(css.outlineWidth) > 0 && !/rgba\(.*,\s*0\)$|transparent/.test(css.outlineColor);
    const shadow = css.boxShadow !== "none" && !/^(rgba\(0, 0, 0, 0\) 0px 0px 0px 0px,?\s*)+$/.test(css.boxShadow);
    const h1s = document.querySelectorAll("h1");
    return {
      tag: el.tagName.toLowerCase(),
      name: (el.getAttribute("aria-label") || (el instanceof HTMLElement ? el.innerText : "") || "").trim().replace(/\s+/g, " ").slice(0, 60),
      inMain: Boolean(main?.contains(el)),
      isH1: el.tagName === "H1" && Boolean(main?.contains(el)),
      h1Count: h1s.length,
      h1Text: h1s[0]?.textContent?.trim() ?? null,
      ring: outline || shadow,
      style: `outline: ${css.outlineStyle} ${css.outlineWidth} ${css.outlineColor}; box-shadow: ${css.boxShadow}`,
    };
  });
}

type AuditWindow = Window & { auditBefore?: Element | null; auditFrames?: number };

/**
 * Runs `go` (a click, a key) that leads to the view at `path`, waits until the new view has
 * rendered — the first change inside `main` once the URL is `path` — and two more animation
 * frames (the shell moves focus right after the router's render, W50, and a view's own
 * autoFocus cannot win a race unseen), then says where focus is. Without `path` (the skip link: no view change) it waits for focus to move
 * into `main`. No deadline of its own but the hang guard: a broken shell is reported, not timed out.
 */
export async function navigateAndFocus(page: Page, go: () => Promise<void>, path?: string): Promise<Focused> {
  await page.evaluate((want: string | null) => {
    const w = window as AuditWindow;
    w.auditBefore = document.activeElement;
    w.auditFrames = -1;
    const main = document.querySelector("main");
    if (!main || want === null) return;
    const observer = new MutationObserver(() => {
      if (location.pathname !== want) return;
      observer.disconnect();
      w.auditFrames = 0;
      const tick = () => {
        w.auditFrames = (w.auditFrames ?? 0) + 1;
        if (w.auditFrames < 3) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    observer.observe(main, { childList: true, subtree: true, characterData: true });
  }, path ?? null);
  await go();
  await page.waitForFunction(
    (want: string | null) => {
      const w = window as AuditWindow;
      const el = document.activeElement;
      const moved = el !== w.auditBefore && Boolean(document.querySelector("main")?.contains(el));
      return want === null ? moved : (w.auditFrames ?? -1) >= 3;
    },
    path ?? null,
    { timeout: 30_000 },
  );
  return focused(page);
}

/** Why focus after a view change is wrong, or nothing (W50). */
export function focusFinding(view: string, how: string, where: Focused): string[] {
  if (!where.inMain) return [`focus (${how}) did not move into <main>: it is on <${where.tag}>${where.name ? ` "${where.name}"` : ""} once the view has rendered`];
  const problems: string[] = [];
  if (where.h1Count !== 1) problems.push(`the view has ${where.h1Count} <h1> elements; it needs exactly one (\`<h1 tabIndex={-1}>\`, sr-only if the design has no visible title)`);
  if (!where.isH1) problems.push(`focus (${how}) landed on <${where.tag}>${where.name ? ` "${where.name}"` : ""}, not on the view's <h1>`);
  if (where.isH1 && where.h1Text && !where.h1Text.toLowerCase().includes(view.toLowerCase()))
    problems.push(`the focused <h1> reads "${where.h1Text}", which does not name the view "${view}"`);
  return problems;
}

/** Resolves when the page has no HTTP request in flight (the socket aside): a view's own fetches have answered. */
export function trackRequests(page: Page): () => Promise<void> {
  let inFlight = 0;
  const waiters = new Set<() => void>();
  const settle = () => {
    if (inFlight === 0) for (const w of waiters) w();
    if (inFlight === 0) waiters.clear();
  };
  page.on("request", (r) => {
    if (r.resourceType() !== "websocket") inFlight++;
  });
  const done = (r: { resourceType(): string }) => {
    if (r.resourceType() === "websocket") return;
    inFlight = Math.max(0, inFlight - 1);
    settle();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.add(resolve)));
}

/**
 * The failure message of a test that checked many views: its findings grouped by view (each
 * finding starts "View · …: "), so the list reads as a to-do per view and per owner.
 */
export function report(title: string, findings: string[]): string {
  const byView = new Map<string, string[]>();
  for (const finding of findings) {
    const cut = finding.indexOf(": ");
    const view = cut > 0 ? finding.slice(0, cut) : "(page)";
    byView.set(view, [...(byView.get(view) ?? []), cut > 0 ? finding.slice(cut + 2) : finding]);
  }
  const groups = [...byView].map(([view, lines]) => `${view} — ${lines.length}:\n    - ${lines.join("\n    - ")}`);
  return `${title}: ${findings.length} finding${findings.length === 1 ? "" : "s"}\n  ${groups.join("\n  ")}\n`;
}
