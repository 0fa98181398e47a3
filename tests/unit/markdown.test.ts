/**
 * The reply renderer (web/components/markdown.tsx) in plain Node with
 * react-dom/server: what the first render puts on the page, before any click.
 * The click that shows an image is tested in the browser (tests/e2e/security-images.test.ts).
 */
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { imageSource, Markdown } from "../../web/components/markdown.tsx";

/** The markup of a first render, without the comments React puts between adjacent texts. */
const render = (text: string) => renderToString(createElement(Markdown, { text })).replaceAll("<!-- -->", "");
/** Every `src` of an <img> in the markup. */
const imageSources = (html: string) => [...html.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/g)].map((m) => m[1]);

describe("Web — reply markdown", () => {
  it("[W2] a remote image in a reply renders as a placeholder naming its host, not an <img>", () => {
    const html = render("Added “![x](http://evil.example/a.png)” and ![y](https://tracker.example/p.gif?u=1) and [![z](//cdn.example/c.png)](https://example.com)");
    const remote = imageSources(html).filter((src) => !(src?.startsWith("/") && !src.startsWith("//")));
    console.log(`remote <img> rendered: ${remote.length}; placeholders: ${html.split("data-remote-image").length - 1}`);
    expect(remote).toEqual([]);
    expect(html).not.toContain("evil.example/a.png");
    expect(html).toContain("Image from evil.example");
    expect(html).toContain("Image from tracker.example");
    expect(html).toContain("Image from cdn.example");
  });

  it("[W2] a same-origin image renders as an image", () => {
    expect(imageSources(render("![logo](/logo.png)"))).toEqual(["/logo.png"]);
  });

  it("[W2] links open in a new tab with no referrer, no opener and nofollow; unsafe links are dropped", () => {
    const html = render("[site](https://example.com) [bad](javascript:alert(1))");
    expect(html).toContain('href="https://example.com" target="_blank" rel="noopener noreferrer nofollow"');
    expect(html).not.toContain("javascript:");
  });

  it("[W2] an image's source: local when on the page's origin; remote ones load over https only", () => {
    const page = "http://127.0.0.1:8787/chat";
    expect(imageSource("/a.png", page)).toEqual({ kind: "local" });
    expect(imageSource("a.png", page)).toEqual({ kind: "local" });
    expect(imageSource("http://127.0.0.1:8787/a.png", page)).toEqual({ kind: "local" });
    expect(imageSource("http://evil.example/a.png", page)).toEqual({ kind: "remote", host: "evil.example", url: "https://evil.example/a.png" });
    expect(imageSource("//evil.example/a.png", page)).toEqual({ kind: "remote", host: "evil.example", url: "https://evil.example/a.png" });
    expect(imageSource("http://127.0.0.1:9999/a.png", page)).toMatchObject({ kind: "remote", host: "127.0.0.1" });
  });
});
