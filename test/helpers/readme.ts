/**
 * Reads the code a README shows, so tests run what the README says instead of a copy that can drift:
 * fenced blocks (with their language and the headings they sit under), inline code spans in the prose,
 * and shell blocks split into the commands a person would type.
 */
import { readFileSync } from 'node:fs';

export interface CodeBlock {
  /** The fence's info string's first word (`sh`, `ts`, …), or '' for a bare fence. */
  readonly lang: string;
  readonly code: string;
  /** The headings above the block, outermost first (`['Latchkey', 'Quick start', 'Sign in from a browser']`). */
  readonly headings: readonly string[];
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
}

export interface InlineCode {
  readonly code: string;
  readonly headings: readonly string[];
  readonly line: number;
}

export interface Readme {
  readonly blocks: readonly CodeBlock[];
  readonly inline: readonly InlineCode[];
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^(`{3,}|~{3,})\s*([^\s`]*)/;

/** Parses Markdown text into its fenced code blocks and inline code spans. */
export function parseReadme(markdown: string): Readme {
  const blocks: CodeBlock[] = [];
  const inline: InlineCode[] = [];
  const headings: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      let end = i + 1;
      while (end < lines.length && !lines[end]!.startsWith(marker)) end++;
      blocks.push({
        lang: fence[2] ?? '',
        code: lines.slice(i + 1, end).join('\n'),
        headings: headings.filter(Boolean),
        line: i + 1,
      });
      i = end;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      headings.length = level - 1;
      headings[level - 1] = heading[2]!;
      continue;
    }
    for (const span of line.matchAll(/`([^`]+)`/g))
      inline.push({ code: span[1]!, headings: headings.filter(Boolean), line: i + 1 });
  }
  return { blocks, inline };
}

export function readReadme(path: string): Readme {
  return parseReadme(readFileSync(path, 'utf8'));
}

/** The blocks directly under the heading `heading` (not under its subsections), optionally of one language. */
export function blocksUnder(readme: Readme, heading: string, lang?: string): CodeBlock[] {
  return readme.blocks.filter(
    (b) => b.headings.at(-1) === heading && (lang === undefined || b.lang === lang),
  );
}

/** The one block under `heading` (of `lang`) whose code satisfies `match`; throws naming what is missing. */
export function blockUnder(
  readme: Readme,
  heading: string,
  lang: string,
  match: (code: string) => boolean = () => true,
): CodeBlock {
  const found = blocksUnder(readme, heading, lang).filter((b) => match(b.code));
  if (found.length !== 1)
    throw new Error(
      `README: expected one \`\`\`${lang} block under "${heading}" matching, found ${found.length}`,
    );
  return found[0]!;
}

/** The inline code span under `heading` that starts with `prefix`; throws when there is not exactly one. */
export function inlineUnder(readme: Readme, heading: string, prefix: string): string {
  const found = readme.inline.filter((s) => s.headings.at(-1) === heading && s.code.startsWith(prefix));
  if (found.length !== 1)
    throw new Error(`README: expected one inline \`${prefix}…\` under "${heading}", found ${found.length}`);
  return found[0]!.code;
}

/** Cuts a `#` comment that starts outside quotes at a word boundary, as a POSIX shell would. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/**
 * The commands of a shell block as a person would type them: backslash-continued lines joined, comments
 * and blank lines dropped.
 */
export function shellCommands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => withoutComment(line).trim())
    .filter((line) => line !== '');
}

/**
 * One command line split into words as a POSIX shell would, for the plain lines a README shows: single
 * and double quotes (a backslash escapes inside double quotes and outside quotes), no expansions. A
 * pipeline is refused: split it at `|` first.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i]!;
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) word = (word ?? '') + line[++i]!;
    else if ('|;&<>$`'.includes(c)) throw new Error(`shellWords: "${c}" in ${line}`);
    else word = (word ?? '') + c;
  }
  if (quote) throw new Error(`shellWords: unclosed ${quote} in ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * A README's text for one test run: each literal (the README's URLs and ports) replaced by this run's,
 * then each placeholder word the README asks its reader to fill in (`CLIENT_ID`, `CODE`) by its value.
 */
export function fillReadme(
  text: string,
  literals: Readonly<Record<string, string>>,
  placeholders: Readonly<Record<string, string>> = {},
): string {
  let filled = text;
  for (const [literal, value] of Object.entries(literals)) filled = filled.replaceAll(literal, value);
  for (const [placeholder, value] of Object.entries(placeholders))
    filled = filled.replace(new RegExp(`\\b${placeholder}\\b`, 'g'), value);
  return filled;
}
