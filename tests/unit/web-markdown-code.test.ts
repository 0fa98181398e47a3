/** Code blocks in a reply (docs/PROTOCOL.md W12): rendered as code, with a copy button; inline code stays inline. */
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "../../web/components/markdown.tsx";

const render = (text: string) => renderToString(createElement(Markdown, { text })).replaceAll("<!-- -->", "");

describe("Web — code in a reply", () => {
  it("[W12] a fenced block gets a “Copy code” button and keeps its text; inline code gets none", () => {
    const html = render("Run this:\n\n```sh\nnpm start && echo '<ok>'\n```\n\nor `npm run dev`.");
    expect(html.match(/aria-label="Copy code"/g)).toHaveLength(1);
    expect(html).toContain("<pre");
    expect(html).toContain("npm start &amp;&amp; echo &#x27;&lt;ok&gt;&#x27;");
    expect(html).toContain("<code>npm run dev</code>");
    expect(render("just `inline`")).not.toContain("Copy code");
  });
});
