import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

/** Assistant text as markdown (GitHub flavour); no raw HTML is rendered. */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="prose-chat">
      <ReactMarkdown remarkPlugins={[remarkGfm]}>{text}</ReactMarkdown>
    </div>
  );
}
