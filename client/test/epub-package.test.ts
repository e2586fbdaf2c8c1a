/**
 * Reading the package document out of an EPUB archive (client/src/cli/epub-package.ts): the fixture
 * shaped like a real EPUB (EPUB OCF 3.3: mimetype stored first, META-INF/container.xml, the OPF
 * deflated), and hostile archives — cut short, not a ZIP, an entry that inflates past its bound.
 */
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EpubError, isZip, packageDocumentOf } from '../src/cli/epub-package.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../spec/vectors/interop/${name}`, import.meta.url));

/** A one-entry ZIP whose entry is `data` deflated, its central directory claiming `claimedSize`. */
function zipOf(name: string, data: Buffer, claimedSize: number): Buffer {
  const deflated = deflateRawSync(data);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(claimedSize, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(claimedSize, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const centralAt = 30 + nameBytes.length + deflated.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, nameBytes, deflated, central, nameBytes, end]);
}

describe('the package document of an EPUB', () => {
  it('is found through META-INF/container.xml', () => {
    const book = fixture('tdm-book.epub');
    expect(isZip(book)).toBe(true);
    const opf = packageDocumentOf(book);
    expect(opf.path).toBe('OEBPS/content.opf');
    expect(opf.text).toBe(fixture('tdm-epub3.opf').toString('utf8'));
  });

  it('refuses an archive without a container, cut short, or not a ZIP', () => {
    expect(() => packageDocumentOf(fixture('tdm-book-no-container.epub'))).toThrow(
      'the EPUB has no META-INF/container.xml',
    );
    const book = fixture('tdm-book.epub');
    expect(() => packageDocumentOf(book.subarray(0, book.length - 30))).toThrow(EpubError);
    expect(isZip(fixture('tdm-epub3.opf'))).toBe(false);
    expect(() => packageDocumentOf(Buffer.from('not a zip at all, but long enough to look for one'))).toThrow(
      'not a ZIP archive',
    );
  });

  it('stops inflating an entry at 512 KiB, whatever size the archive claims', () => {
    const bomb = zipOf('META-INF/container.xml', Buffer.alloc(4 * 1024 * 1024, 0x20), 1000);
    expect(() => packageDocumentOf(bomb)).toThrow(/does not inflate/);
    const honest = zipOf('META-INF/container.xml', Buffer.alloc(600 * 1024, 0x20), 600 * 1024);
    expect(() => packageDocumentOf(honest)).toThrow(/over 524288 bytes/);
  });
});
