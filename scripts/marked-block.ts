/** Generated blocks in Markdown files: the text between two HTML-comment markers, markers kept. */

export function replaceMarked(text: string, begin: string, end: string, body: string): string {
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`E_README_MARKERS: README.md needs ${begin} … ${end}`);
  return `${text.slice(0, a + begin.length)}\n${body}\n${text.slice(b)}`;
}

/** The current body between the markers (trimmed), or undefined when they are missing. */
export function markedBody(text: string, begin: string, end: string): string | undefined {
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  return a < 0 || b < a ? undefined : text.slice(a + begin.length, b).trim();
}
