/** The page's words in Japanese and English, the chosen language and its `lang` attribute. */
export type Lang = 'ja' | 'en';

const ja = {
  skip: '本文へ移動',
  siteNav: 'サイト',
  langLabel: '言語 / Language',
  navSearch: '検索',
  navVerify: '検証',
  navPublish: '公開',
  searchTitle: '作品・キャラクター・声・当事者を探す',
  searchLabel: '名前または識別子',
  searchHint: '名前（かな・漢字・ローマ字）、識別子（isbn:…、url:…）、当事者 ID、記録 ID',
  searchButton: '検索',
  searchNoMatch: '見つかりませんでした。',
  searchNamesUnavailable: 'このノードは名前検索（generation プロファイル）に対応していません。',
  searchResults: '検索結果',
  recentRecords: '最近の記録',
  olderEntries: '以前の記録',
  logRange: 'ログの {from}〜{to} 番目',
  noRecords: '記録はまだありません。',
  loading: '読み込み中…',
  error: 'エラー',
  workTitle: '作品',
  identifiers: '識別子',
  type: '種類',
  decisionsTitle: '目的ごとの現在の判定',
  purpose: '目的',
  decision: '判定',
  disputed: '係争中',
  reason: '理由',
  recordsTitle: '記録',
  historyTitle: '履歴',
  status: '状態',
  holder: '権利者',
  attestations: '認証',
  revoked: '取り消し済み',
  expires: '有効期限',
  issuedAt: '発行日時',
  validFrom: '有効開始',
  validUntil: '有効終了',
  conditions: '条件',
  attribution: 'クレジット表記',
  required: '必須',
  compensation: '対価',
  territory: '地域',
  note: '備考',
  contact: '連絡先',
  origin: '記録元ノード',
  logIndex: 'ログ位置',
  supersedes: '置き換え元',
  supersededBy: '置き換え先',
  revokedBy: '取り消し',
  recordTitle: '同意記録',
  partyTitle: '当事者',
  role: '役割',
  names: '名前',
  key: '鍵',
  node: 'ノード',
  recordsOfParty: 'この当事者の記録',
  verifyThis: 'ブラウザで検証する',
  verifyTitle: 'ブラウザで検証する',
  verifyIntro:
    '署名・ログへの包含証明・レシートを、このブラウザの中で検証します。サーバーの答えは信用せず、チェックポイントの署名と証明を自分で確かめます。',
  verifyInput: 'JWS（記録・当事者・取り消し・レシート・ラベル）を貼り付け',
  verifyFile: 'またはファイルを選ぶ',
  verifyButton: '検証',
  verifyVkey: 'ログの検証鍵（verifier key）',
  verifyVkeyHint: 'ノードの /.well-known/kyodaku が示す鍵です。別の経路で確かめた鍵に置き換えられます。',
  checkKind: '種類',
  checkSignature: '署名',
  checkCheckpoint: 'チェックポイントの署名',
  checkConsistency: '前回のチェックポイントとの一貫性',
  checkInclusion: 'ログへの包含証明',
  checkReceiptRefs: 'レシートが参照する記録',
  checkLabelStatus: 'ラベルの有効性（取り消されていないか）',
  checkPassed: '合格',
  checkFailed: '不合格',
  verifiedAll: 'すべての検査に合格しました。',
  verifyFailed: '検証に失敗しました。',
  publishTitle: '記録を公開する',
  publishIntro:
    '鍵はこのブラウザの中だけで作成・保存され（localStorage）、送信されることはありません。書き出して安全な場所にも保管してください。',
  keyTitle: 'あなたの鍵',
  keyNone: '鍵がありません。',
  keyGenerate: '鍵を作成',
  keyImport: '鍵を読み込む（秘密 JWK）',
  keyImportButton: '読み込む',
  keyImportParty: '当事者 ID（鍵を変更した当事者の新しい鍵を読み込むときだけ）',
  keyNotCurrent: 'この鍵はその当事者の現在の鍵ではありません（鍵の変更が記録されていません）。',
  keyId: '鍵 ID',
  keyExport: '鍵を書き出す',
  keyForget: 'この鍵を削除',
  partyId: '当事者 ID',
  registerTitle: '当事者として登録',
  registerButton: '登録',
  nameJa: '名前（日本語）',
  nameEn: '名前（英語）',
  registered: '登録しました。ノード管理者の認証を受けると記録が有効になります。',
  createTitle: '記録を作成',
  workType: '作品の種類',
  workIds: '識別子（1行に1つ）',
  titleJa: '題名（日本語）',
  titleEn: '題名（英語）',
  aliases: '別名（日本語、1行に1つ）',
  purposesTitle: '目的ごとの許諾',
  unset: '指定なし',
  allow: '許可',
  deny: '拒否',
  conditionalValue: '条件付き',
  attributionText: 'クレジット表記の文言',
  attributionTextEn: 'クレジット表記の文言（英語）',
  compensationModel: '対価の方式',
  amount: '金額',
  currency: '通貨',
  noteText: '備考',
  noteTextEn: '備考（英語）',
  publishButton: '署名して公開',
  published: '公開しました',
  supersedeTitle: '記録を置き換え',
  supersedeButton: 'この記録を置き換える',
  revokeButton: 'この記録を取り消す',
  revokeReason: '取り消しの理由',
  revokedDone: '取り消しました',
  myRecords: 'あなたの記録',
  importTitle: 'カタログを一括登録（JSONL / CSV）',
  importFile: 'カタログのファイル',
  importHint:
    'JSONL: 1行に1件、{"work": {...}, "purposes": {...}, "conditions": {...}}。CSV: type,ids,title_ja,title_en と目的の列（ids は | 区切り）。',
  importButton: '署名して一括公開',
  importProgress: '進み具合',
  importDone: '完了: 受理 {ok} 件、拒否 {bad} 件',
  lineError: '{line} 行目: {message}',
  none: 'なし',
};

type Messages = Record<keyof typeof ja, string>;

const en: Messages = {
  skip: 'Skip to content',
  siteNav: 'Site',
  langLabel: 'Language / 言語',
  navSearch: 'Search',
  navVerify: 'Verify',
  navPublish: 'Publish',
  searchTitle: 'Find works, characters, voices and parties',
  searchLabel: 'Name or identifier',
  searchHint: 'A name (kana, kanji or romaji), an identifier (isbn:…, url:…), a party id or a record id',
  searchButton: 'Search',
  searchNoMatch: 'Nothing found.',
  searchNamesUnavailable: 'This node does not search names (no generation profile).',
  searchResults: 'Results',
  recentRecords: 'Recent records',
  olderEntries: 'Older records',
  logRange: 'log entries {from} to {to}',
  noRecords: 'No records yet.',
  loading: 'Loading…',
  error: 'Error',
  workTitle: 'Work',
  identifiers: 'Identifiers',
  type: 'Type',
  decisionsTitle: 'Current decision per purpose',
  purpose: 'Purpose',
  decision: 'Decision',
  disputed: 'disputed',
  reason: 'Reason',
  recordsTitle: 'Records',
  historyTitle: 'History',
  status: 'Status',
  holder: 'Holder',
  attestations: 'Attestations',
  revoked: 'revoked',
  expires: 'Expires',
  issuedAt: 'Issued',
  validFrom: 'Valid from',
  validUntil: 'Valid until',
  conditions: 'Conditions',
  attribution: 'Attribution',
  required: 'required',
  compensation: 'Compensation',
  territory: 'Territory',
  note: 'Note',
  contact: 'Contact',
  origin: 'Origin node',
  logIndex: 'Log index',
  supersedes: 'Supersedes',
  supersededBy: 'Superseded by',
  revokedBy: 'Revoked by',
  recordTitle: 'Consent record',
  partyTitle: 'Party',
  role: 'Role',
  names: 'Names',
  key: 'Key',
  node: 'Node',
  recordsOfParty: 'Records of this party',
  verifyThis: 'Verify in the browser',
  verifyTitle: 'Verify in the browser',
  verifyIntro:
    'Signatures, inclusion proofs and receipts are verified inside this browser. The server is not trusted: the checkpoint signature and the proofs are checked here.',
  verifyInput: 'Paste a JWS (record, party, revocation, receipt or label)',
  verifyFile: 'or choose a file',
  verifyButton: 'Verify',
  verifyVkey: 'Verifier key of the log',
  verifyVkeyHint:
    "The key the node's /.well-known/kyodaku names; replace it with one you checked another way.",
  checkKind: 'Kind',
  checkSignature: 'Signature',
  checkCheckpoint: 'Checkpoint signature',
  checkConsistency: 'Consistent with the last checkpoint seen',
  checkInclusion: 'Inclusion proof in the log',
  checkReceiptRefs: 'Records the receipt refers to',
  checkLabelStatus: 'Label in force (not revoked)',
  checkPassed: 'passed',
  checkFailed: 'failed',
  verifiedAll: 'Every check passed.',
  verifyFailed: 'Verification failed.',
  publishTitle: 'Publish records',
  publishIntro:
    'Your key is made and kept in this browser only (localStorage); it is never sent. Export it and keep a copy somewhere safe.',
  keyTitle: 'Your key',
  keyNone: 'No key yet.',
  keyGenerate: 'Generate a key',
  keyImport: 'Import a key (private JWK)',
  keyImportButton: 'Import',
  keyImportParty: 'Party id (only when importing the new key of a party that changed its key)',
  keyNotCurrent: 'This key is not the current key of that party (no key change to it is logged).',
  keyId: 'Key id',
  keyExport: 'Export the key',
  keyForget: 'Forget this key',
  partyId: 'Party id',
  registerTitle: 'Register as a party',
  registerButton: 'Register',
  nameJa: 'Name (Japanese)',
  nameEn: 'Name (English)',
  registered: 'Registered. Records count once a node administrator attests your key.',
  createTitle: 'Create a record',
  workType: 'Type of work',
  workIds: 'Identifiers (one per line)',
  titleJa: 'Title (Japanese)',
  titleEn: 'Title (English)',
  aliases: 'Aliases (Japanese, one per line)',
  purposesTitle: 'Consent per purpose',
  unset: 'not set',
  allow: 'allow',
  deny: 'deny',
  conditionalValue: 'conditional',
  attributionText: 'Attribution text (Japanese)',
  attributionTextEn: 'Attribution text (English)',
  compensationModel: 'Compensation model',
  amount: 'Amount',
  currency: 'Currency',
  noteText: 'Note (Japanese)',
  noteTextEn: 'Note (English)',
  publishButton: 'Sign and publish',
  published: 'Published',
  supersedeTitle: 'Supersede a record',
  supersedeButton: 'Supersede this record',
  revokeButton: 'Revoke this record',
  revokeReason: 'Reason for revoking',
  revokedDone: 'Revoked',
  myRecords: 'Your records',
  importTitle: 'Bulk import a catalogue (JSONL / CSV)',
  importFile: 'Catalogue file',
  importHint:
    'JSONL: one per line, {"work": {...}, "purposes": {...}, "conditions": {...}}. CSV: type,ids,title_ja,title_en and one column per purpose (ids separated by |).',
  importButton: 'Sign and publish all',
  importProgress: 'Progress',
  importDone: 'Done: {ok} accepted, {bad} refused',
  lineError: 'line {line}: {message}',
  none: 'none',
};

const MESSAGES: Record<Lang, Messages> = { ja, en };
export type MessageKey = keyof Messages;

const PURPOSE_NAMES: Record<Lang, Record<string, string>> = {
  ja: {
    all: 'すべて',
    tdm: 'テキスト・データマイニング',
    train: '学習',
    'train.genai': '生成 AI の事前学習',
    'train.finetune': '追加学習（LoRA・声モデル等）',
    'train.nongen': '分類器などの学習',
    input: 'AI への入力',
    'input.index': 'AI 検索索引への登録',
    'input.system': 'AI システムによる参照（RAG 等）',
    'input.user': '利用者が入力した場合',
    search: '検索（リンクと抜粋）',
    generate: '生成',
    'generate.character': 'キャラクターの生成',
    'generate.voice': '声の模倣',
    'generate.likeness': '容姿の模倣',
    'generate.style': '作風の模倣',
  },
  en: {
    all: 'all',
    tdm: 'text and data mining',
    train: 'training',
    'train.genai': 'generative pre-training',
    'train.finetune': 'fine-tuning (LoRA, voice models)',
    'train.nongen': 'training classifiers',
    input: 'input to AI',
    'input.index': 'AI retrieval index',
    'input.system': 'AI system retrieval (RAG)',
    'input.user': 'supplied by a user',
    search: 'search (links, excerpts)',
    generate: 'generation',
    'generate.character': 'depicting characters',
    'generate.voice': 'imitating a voice',
    'generate.likeness': 'imitating a likeness',
    'generate.style': 'imitating a style',
  },
};

const WORDS: Record<Lang, Record<string, string>> = {
  ja: {
    allow: '許可',
    deny: '拒否',
    conditional: '条件付き',
    current: '有効',
    pending: '発効前',
    expired: '期限切れ',
    superseded: '置き換え済み',
    revoked: '取り消し済み',
    work: '作品',
    character: 'キャラクター',
    voice: '声',
    likeness: '容姿',
    'rights-holder': '権利者',
    performer: '実演家',
    agency: '事務所',
    'ai-developer': 'AI 開発者',
    'no-record': '記録なし',
    granted: '許諾あり',
    denied: '拒否の記録',
    'not-granted': '許諾なし',
    attested: '認証済み',
    unattested: '未認証',
    disputed: '係争中',
  },
  en: {},
};

const STORAGE_KEY = 'kyodaku.lang';
let current: Lang = initialLang();

function initialLang(): Lang {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored === 'ja' || stored === 'en') return stored;
  return (globalThis.navigator?.language ?? 'ja').toLowerCase().startsWith('en') ? 'en' : 'ja';
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

/** The message in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return MESSAGES[current][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

export function purposeName(purpose: string): string {
  return PURPOSE_NAMES[current][purpose] ?? purpose;
}

/** A protocol word (decision, status, type, role) in the current language; English keeps the word. */
export function word(value: string): string {
  return WORDS[current][value] ?? value;
}

/**
 * The best text of a language map (`{ja: …, en: …}`) for the current language, with its language tag
 * so that the element showing it can carry the right `lang`.
 */
export function pickText(
  map: Record<string, string> | undefined,
): { text: string; lang: string } | undefined {
  if (map === undefined) return undefined;
  const tags = Object.keys(map);
  const tag =
    tags.find((x) => x === current) ??
    tags.find((x) => x.toLowerCase().startsWith(`${current}-`)) ??
    tags.find((x) => x === 'en' || x.startsWith('en-')) ??
    tags[0];
  return tag === undefined ? undefined : { text: map[tag]!, lang: tag };
}
