import { useMemo, useState } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * Assistant text as markdown (GitHub flavour); no raw HTML is rendered, and
 * react-markdown's default URL filter drops `javascript:` and other unsafe links.
 *
 * A reply can quote text someone else wrote (a task title, a note, a calendar
 * entry), so an image in it may be a beacon: loading it would tell its host that,
 * when and from where the user read it. Remote images therefore render as a
 * placeholder naming their host, and load only when the user clicks "show" — once
 * per message (docs/PROTOCOL.md W2). Links open in a new tab with no referrer and no
 * access back to this page.
 */
export function Markdown({ text }: { text: string }) {
  const [showImages, setShowImages] = useState(false);
  // Built once per choice, not per render: a streaming reply re-renders per token, and new
  // component functions would make React rebuild every link and image in it each time.
  const components = useMemo<Components>(() => ({
    a: Link,
    img: ({ node: _node, src, alt }) => {
      if (typeof src !== "string" || src === "") return null;
      const where = imageSource(src, pageUrl());
      if (where.kind === "local") return <img src={src} alt={alt ?? ""} />;
      if (showImages) return where.url === "" ? null : <img src={where.url} alt={alt ?? ""} referrerPolicy="no-referrer" className="max-w-full" />;
      return (
        <span data-remote-image={where.host} title={alt || undefined} className="rounded border border-dashed border-stone-300 px-2 py-0.5 text-sm text-stone-500 dark:border-stone-700">
          Image from {where.host} —{" "}
          <button
            type="button"
            className="text-indigo-600 underline"
            onClick={(e) => {
              // Inside a link, "show" must not also follow it.
              e.preventDefault();
              e.stopPropagation();
              setShowImages(true);
            }}
          >
            show
          </button>
        </span>
      );
    },
  }), [showImages]);
  return (
    <div className="prose-chat">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}

const Link: Components["a"] = ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" />;

export type ImageSource = { kind: "local" } | { kind: "remote"; host: string; url: string };

/**
 * Whether an image URL stays on the page's origin. A remote one is loaded, if the
 * user asks, over https only (as browsers upgrade mixed content): the page's policy
 * (W1) blocks http: images.
 */
export function imageSource(src: string, page: string): ImageSource {
  let url: URL;
  try {
    url = new URL(src, page);
  } catch {
    return { kind: "remote", host: "an unknown host", url: "" };
  }
  if (url.origin === new URL(page).origin) return { kind: "local" };
  if (url.protocol === "http:") url.protocol = "https:";
  return { kind: "remote", host: url.hostname || "an unknown host", url: url.href };
}

/** The page's address; in a render outside the browser (tests), a stand-in origin. */
const pageUrl = () => (typeof location === "undefined" ? "http://localhost/" : location.href);
