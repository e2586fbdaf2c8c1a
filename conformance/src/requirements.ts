/**
 * Requirement ids of the spec that the `core` profile does not test, with the profile that does.
 * The coverage test (test/requirements-coverage.test.ts) demands a case for every other MUST.
 */
export const NOT_IN_CORE: Readonly<Record<string, string>> = {
  'REQ-ID-033': 'generation (name folding is used by the prompt check; core only checks REQ-ID-034)',
  // A power loss or a failing disk cannot be caused from outside the node: the reference node's own
  // tests cause them (server/test/objects/storage-faults.test.ts, server/test/db/durability.test.ts).
  'REQ-API-015': 'none: durability across a power loss is not observable from outside the node',
  'REQ-API-085': 'none: needs a storage fault of the node under test',
  // A suite by URL cannot tell which of a node's processes answers; the reference node's scale-out
  // test checks it process by process (server/test/cluster/scale-out.test.ts).
  'REQ-API-095': 'none: which process answers is not observable from outside the node',
  'REQ-ERR-007': 'none: needs a storage fault of the node under test',
  // A late request is seen only after the node's own timeouts (the reference node: 10 s for headers,
  // 30 s for a request, checked every 30 s by node:http), too long for a suite run; the reference
  // node's tests shorten them (server/test/http/timeouts.test.ts).
  'REQ-ERR-008': 'none: a SHOULD whose check waits out the own timeouts of the node under test',
  'REQ-ID-035': 'generation (match keys of names and prompts)',
  'REQ-ID-036': 'generation (romanization of kana in match keys)',
  'REQ-ID-037': 'generation (romaji spellings merged in match keys)',
  'REQ-ID-038': 'generation (honorifics after names)',
};

/** Documents of the `interop` profile: each of their MUST ids is cited by a case or listed below. */
export const INTEROP_DOCUMENTS = ['interop.md'] as const;

/**
 * The interop requirements on clients (readers, import, the pre-crawl check): no node is involved, so
 * a suite by URL cannot check them; spec/vectors/interop.json and the client's tests do.
 */
export const INTEROP_CLIENT_SIDE: Readonly<Record<string, string>> = {
  'REQ-INTEROP-001': 'reading foreign signals (spec/vectors/interop.json, client/test/interop/)',
  'REQ-INTEROP-003': 'combining signed and unsigned answers (client/test/interop/combine.test.ts)',
  'REQ-INTEROP-004': 'import drafts (client/test/cli-import.test.ts)',
  'REQ-INTEROP-012': 'reading aipref (spec/vectors/interop.json)',
  'REQ-INTEROP-013': 'robots.txt import (client/test/cli-import.test.ts)',
  'REQ-INTEROP-021': 'reading TDMRep (spec/vectors/interop.json, client/test/interop/fixtures.test.ts)',
  'REQ-INTEROP-023':
    'reading TDMRep in HTML pages and EPUB package documents (client/test/interop/fixtures.test.ts, client/test/cli-import.test.ts)',
  'REQ-INTEROP-031': 'reading CAWG assertions (spec/vectors/interop.json)',
  'REQ-INTEROP-041': 'reading RSL (spec/vectors/interop.json, client/test/interop/fixtures.test.ts)',
  'REQ-INTEROP-070': 'the import command (client/test/cli-import.test.ts)',
  'REQ-INTEROP-071': 'the import command (client/test/cli-import.test.ts)',
  'REQ-INTEROP-080': 'the pre-crawl check (client/test/cli-precrawl.test.ts, loopback sites)',
};

/** Documents whose requirements the `core` profile covers. */
export const CORE_DOCUMENTS = ['kyodaku.md', 'http-api.md', 'identifiers.md', 'conformance.md'] as const;

/** Documents of the `federation` profile: each of their MUST ids is cited by a federation case. */
export const FEDERATION_DOCUMENTS = ['federation.md'] as const;

/** Documents of the `usage` profile: each of their MUST ids is cited by a usage case. */
export const USAGE_DOCUMENTS = ['usage.md'] as const;

/** Documents of the `generation` profile: each of their MUST ids is cited by a generation case. */
export const GENERATION_DOCUMENTS = ['generation.md'] as const;

/** Documents of the `snapshot` profile: each of their MUST ids is cited by a snapshot case. */
export const SNAPSHOT_DOCUMENTS = ['snapshot.md'] as const;

/** Documents of the `crawler-identity` profile: each of their MUST ids is cited by a crawler-identity case. */
export const CRAWLER_DOCUMENTS = ['crawler-identity.md'] as const;

/** Documents of the `log` profile: each of their MUST ids is cited by a case. */
export const LOG_DOCUMENTS = ['log.md'] as const;

/** Requirement ids the spec has retired (marked deprecated there): nothing for a case to test. */
export const DEPRECATED: Readonly<Record<string, string>> = {
  'REQ-ID-017': 'advice to publishers on writing prefix patterns',
  'REQ-ID-031': 'advice on assigning kyodaku: ids, which 0.1 nodes do not do',
};
