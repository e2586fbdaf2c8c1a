/**
 * Reads requirement ids out of the spec's Markdown documents. A requirement is a block (a list item
 * or a paragraph) that carries `**REQ-AREA-NNN**`; its level is the strongest BCP 14 keyword in it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SPEC_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface Requirement {
  id: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
  document: string;
  section: string;
  text: string;
  deprecated: boolean;
  /** A rejection requirement: it obliges a node to refuse something (see rejectsInput). */
  rejects: boolean;
}

export interface Block {
  document: string;
  section: string;
  text: string;
}

const ID_MARK = /\*\*(REQ-[A-Z]+-\d{3})\*\*/g;
const HAS_ID = /\*\*REQ-[A-Z]+-\d{3}\*\*/;

function introducesSteps(block: Block | undefined): boolean {
  return block !== undefined && HAS_ID.test(block.text) && block.text.endsWith(':');
}

/** The normative blocks of one document: list items and paragraphs, outside code fences and tables. */
export function blocksOf(document: string, markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let current: string[] = [];
  let fenced = false;
  const flush = () => {
    if (current.length > 0)
      blocks.push({ document, section, text: current.join(' ').replace(/\s+/g, ' ').trim() });
    current = [];
  };
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      flush();
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    if (/^#{1,6} /.test(line)) {
      flush();
      section = line.replace(/^#+ /, '').trim();
    } else if (line.trim() === '' || line.startsWith('|')) {
      flush();
    } else if (
      /^\s*\d+\. /.test(line) &&
      (current.length > 0 ? HAS_ID.test(current.join(' ')) : introducesSteps(blocks.at(-1)))
    ) {
      // The numbered steps of a requirement ("…as follows:") belong to it.
      if (current.length === 0) current.push(blocks.pop()!.text);
      current.push(line.replace(/^\s*\d+\. /, ''));
    } else if (/^\s*([-*]|\d+\.) /.test(line)) {
      flush();
      current.push(line.replace(/^\s*([-*]|\d+\.) /, ''));
    } else {
      current.push(line.trim());
    }
  }
  flush();
  return blocks;
}

export function specDocuments(): Array<{ document: string; markdown: string }> {
  return readdirSync(SPEC_DIR)
    .filter((name) => name.endsWith('.md') && name !== 'README.md')
    .sort()
    .map((document) => ({ document, markdown: readFileSync(`${SPEC_DIR}${document}`, 'utf8') }));
}

/** The text without its parenthetical remarks (innermost first), which are never the obligation. */
function withoutParentheses(text: string): string {
  let previous: string;
  let out = text;
  do {
    previous = out;
    out = out.replace(/\([^()]*\)/g, '');
  } while (out !== previous);
  return out;
}

const ABSOLUTE = /\b(MUST|SHALL|REQUIRED)\b/;

/** The wordings of a refusal: a verb the sentence's keyword governs, never a noun ("refused entries"). */
const REFUSAL = [
  /\b(refuse|reject)\b/, // "MUST refuse …", "MUST verify … and reject …", "If it fails, reject."
  /\b(be|is|are) (refused|rejected)\b/, // "MUST be refused with 400 …", "… is refused with 400"
  /\band (refused|rejected) (if|when|unless|on)\b/, // "MUST be normalized …, and rejected if …"
  /\bMUST NOT (accept|store)\b/,
];

/**
 * Whether a MUST requirement is a **rejection requirement** (spec/conformance.md §7): one of its sentences,
 * parenthetical remarks set aside, carries an absolute keyword and a refusal wording (REFUSAL), and
 * its subject, the words before the keyword, is not a client ("A client MUST reject …": the suite is
 * that client). A conformance suite must test each rejection requirement negatively: send what it says to
 * refuse and fail the node that accepts it.
 */
export function rejectsInput(text: string, level: Requirement['level']): boolean {
  if (level !== 'MUST') return false;
  const body = withoutParentheses(text.replace(/^REQ-[A-Z]+-\d{3}:\s*/, ''));
  return body.split(/(?<=[.:;])\s+(?=[A-Z`])/).some((sentence) => {
    const keyword = sentence.search(ABSOLUTE);
    // "MUST NOT refuse" obliges a node to accept: no refusal.
    const said = sentence.replace(/\b(MUST|SHALL) NOT (refuse|reject)\b/g, '');
    if (keyword < 0 || !REFUSAL.some((wording) => wording.test(said))) return false;
    return !/^(a|the|every)?\s*clients?\b/i.test(sentence.slice(0, keyword).trim());
  });
}

function levelOf(text: string): Requirement['level'] {
  if (/\b(MUST|MUST NOT|REQUIRED|SHALL|SHALL NOT)\b/.test(text)) return 'MUST';
  if (/\b(SHOULD|SHOULD NOT|RECOMMENDED)\b/.test(text)) return 'SHOULD';
  return 'MAY';
}

export function extractRequirements(): Requirement[] {
  const requirements: Requirement[] = [];
  for (const { document, markdown } of specDocuments()) {
    for (const block of blocksOf(document, markdown)) {
      const ids = [...block.text.matchAll(ID_MARK)].map((m) => m[1]!);
      for (const id of ids) {
        const level = levelOf(block.text);
        const text = block.text.replace(ID_MARK, '$1');
        const deprecated = /\(deprecated\b/i.test(block.text);
        requirements.push({
          id,
          level,
          document,
          section: block.section,
          text,
          deprecated,
          rejects: !deprecated && rejectsInput(text, level),
        });
      }
    }
  }
  return requirements.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Normative blocks that use MUST but carry no requirement id. */
export function unmarkedMusts(): Block[] {
  return specDocuments()
    .flatMap(({ document, markdown }) => blocksOf(document, markdown))
    .filter((b) => /\bMUST\b/.test(b.text) && !HAS_ID.test(b.text) && !b.text.includes('BCP 14'));
}

export function requirementsFile(): string {
  return `${JSON.stringify({ specVersion: '0.1', requirements: extractRequirements() }, null, 2)}\n`;
}
