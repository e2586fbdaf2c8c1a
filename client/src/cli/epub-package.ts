/**
 * The package document (OPF) of an EPUB file, for `kyodaku import --format tdmrep-epub book.epub`:
 * an EPUB is a ZIP archive (EPUB OCF 3.3) whose `META-INF/container.xml` names the package document
 * in its first `<rootfile full-path>`. Only the central directory and the two entries needed are
 * read; entries are stored or deflated, each at most 512 KiB once inflated (hostile input).
 */
import { inflateRawSync } from 'node:zlib';

/** The largest entry read (the container and the package document). */
const MAX_ENTRY_BYTES = 512 * 1024;
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface Entry {
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export class EpubError extends Error {}

/** The entries of the archive's central directory, by name. */
function centralDirectory(zip: Buffer): Map<string, Entry> {
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  let end = -1;
  for (let i = zip.length - 22; i >= lowest; i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end === -1) throw new EpubError('not a ZIP archive (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Entry>();
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL)
      throw new EpubError('the ZIP central directory is damaged');
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    entries.set(name, {
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** One entry's text. */
function entryText(zip: Buffer, entries: Map<string, Entry>, name: string): string {
  const entry = entries.get(name);
  if (entry === undefined) throw new EpubError(`the EPUB has no ${name}`);
  if (entry.size > MAX_ENTRY_BYTES) throw new EpubError(`${name} is over ${MAX_ENTRY_BYTES} bytes`);
  const at = entry.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL)
    throw new EpubError(`the ZIP entry ${name} is damaged`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new EpubError(`the ZIP entry ${name} is cut short`);
  if (entry.method === 0) return data.toString('utf8');
  if (entry.method !== 8) throw new EpubError(`${name} uses ZIP compression method ${entry.method}`);
  try {
    return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES }).toString('utf8');
  } catch (error) {
    throw new EpubError(`${name} does not inflate: ${(error as Error).message}`);
  }
}

/** Whether the bytes are a ZIP archive (an .epub) rather than a package document's text. */
export function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === LOCAL;
}

/** The package document named by `META-INF/container.xml`: its path in the archive and its text. */
export function packageDocumentOf(zip: Buffer): { path: string; text: string } {
  const entries = centralDirectory(zip);
  const container = entryText(zip, entries, 'META-INF/container.xml');
  const rootfile = /<rootfile\b[^>]*\bfull-path\s*=\s*"([^"]+)"/i.exec(container);
  if (rootfile === null) throw new EpubError('META-INF/container.xml names no rootfile');
  const path = rootfile[1]!;
  return { path, text: entryText(zip, entries, path) };
}
