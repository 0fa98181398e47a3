import { Check, Copy } from "lucide-react";
import { memo, type ReactNode, useMemo, useRef, useState } from "react";
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
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const [showImages, setShowImages] = useState(false);
  // Built once per choice, not per render: a streaming reply re-renders per token, and new
  // component functions would make React rebuild every link and image in it each time.
  const components = useMemo<Components>(() => ({
    a: Link,
    pre: CodeBlock,
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
});

/** A fenced code block: scrolls sideways rather than wrapping, with a copy button (W12). */
function CodeBlock({ children }: { children?: ReactNode }) {
  const ref = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState(false);
  const copy = () => {
    const text = ref.current?.textContent ?? "";
    void navigator.clipboard?.writeText(text).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1_500);
      },
      () => setCopied(false),
    );
  };
  return (
    <div className="group/code relative my-2 overflow-hidden rounded-xl border border-stone-200 bg-stone-100 dark:border-stone-700 dark:bg-stone-900">
      <button
        type="button"
        onClick={copy}
        aria-label={copied ? "Copied" : "Copy code"}
        className="absolute top-1 right-1 flex size-11 items-center justify-center rounded-lg text-stone-600 hover:bg-stone-200 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none md:size-8 dark:text-stone-300 dark:hover:bg-stone-800"
      >
        {copied ? <Check className="size-4" aria-hidden /> : <Copy className="size-4" aria-hidden />}
      </button>
      <pre ref={ref} className="overflow-x-auto p-3 pr-12 font-mono text-sm leading-relaxed [&_code]:bg-transparent [&_code]:p-0">
        {children}
      </pre>
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
