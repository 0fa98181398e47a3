/**
 * Draws the app's icons (public/icons/*.png, listed in public/manifest.webmanifest and
 * index.html) from public/icons/icon.svg with the Chromium the browser tests use — no
 * image library needed. Run it after changing the SVG, then commit the PNGs:
 *   node scripts/icons.ts
 * The maskable icon is full-bleed (no rounded corners) with the drawing inside the
 * central 80 % safe zone, so a launcher's mask never cuts it; the apple-touch icon is
 * full-bleed too (iOS rounds it itself).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromiumPath } from "../tests/e2e/browser.ts";
import { chromium } from "playwright-core";

const DIR = join(process.cwd(), "public", "icons");
const svg = readFileSync(join(DIR, "icon.svg"), "utf8");
const inner = svg.replace(/^[\s\S]*?<svg[^>]*>/, "").replace(/<\/svg>\s*$/, "").replace(/<!--[\s\S]*?-->/g, "");
const background = "#4f46e5";

/** The SVG as drawn, or on a full-bleed square with the drawing scaled to `scale` of the side. */
const page = (size: number, fullBleed: boolean, scale: number) => {
  const offset = (512 * (1 - scale)) / 2;
  const body = fullBleed ? `<rect width="512" height="512" fill="${background}"/><g transform="translate(${offset} ${offset}) scale(${scale})">${inner}</g>` : inner;
  return `<!doctype html><html><body style="margin:0;background:transparent"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="${size}" height="${size}" style="display:block">${body}</svg></body></html>`;
};

const ICONS = [
  { file: "icon-192.png", size: 192, fullBleed: false, scale: 1 },
  { file: "icon-512.png", size: 512, fullBleed: false, scale: 1 },
  { file: "icon-maskable-512.png", size: 512, fullBleed: true, scale: 0.8 },
  { file: "apple-touch-icon.png", size: 180, fullBleed: true, scale: 0.9 },
];

const browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  for (const icon of ICONS) {
    const tab = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    await tab.setContent(page(icon.size, icon.fullBleed, icon.scale));
    await tab.screenshot({ path: join(DIR, icon.file), omitBackground: true, clip: { x: 0, y: 0, width: icon.size, height: icon.size } });
    await tab.close();
    console.log(`  public/icons/${icon.file} (${icon.size}×${icon.size})`);
  }
} finally {
  await browser.close();
}
