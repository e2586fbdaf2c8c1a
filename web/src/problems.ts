/**
 * Problems in the reader's language: the node answers RFC 9457 problem details whose `type` maps to
 * a stable code (client/src/errors.ts); the page says what each means in Japanese or English and
 * keeps the node's own `detail` (in English) beside it as secondary text.
 */
import { codeOfProblemType, codeOfStatus, type ErrorCode, KyodakuError } from '@kyodaku/client/browser';
import { ApiError } from './api.ts';
import { type Lang, lang } from './i18n.ts';

const PROBLEMS: Record<Lang, Record<ErrorCode, string>> = {
  ja: {
    ERR_JWS_INVALID: '署名付きオブジェクト（JWS）の形式が正しくありません。',
    ERR_JWS_ALG: 'Ed25519 以外の署名方式は受け付けられません。',
    ERR_JWS_HEADER: '署名のヘッダーに使えない項目があります。',
    ERR_JWS_TYP: 'この宛先には送れない種類のオブジェクトです。',
    ERR_JWS_KID: 'この鍵はその当事者の現在の鍵ではありません（鍵を変更した場合は新しい鍵を使ってください）。',
    ERR_SIGNATURE: '署名が正しくありません。',
    ERR_PAYLOAD_UTF8: '内容が正しい UTF-8 ではありません。',
    ERR_PAYLOAD_JSON: '内容が正しい JSON ではありません。',
    ERR_PAYLOAD_NONCANONICAL: '内容が正規化された JSON（RFC 8785）ではありません。',
    ERR_JSON_TOO_COMPLEX: 'JSON の入れ子や項目が多すぎます。',
    ERR_SCHEMA: '内容が仕様の形式に合っていません。',
    ERR_KEY_INVALID: '使えない鍵です。',
    ERR_INVALID_IDENTIFIER: '識別子の形式が正しくありません。',
    ERR_UNKNOWN_PURPOSE: '知らない目的が指定されています。',
    ERR_INVALID_REQUEST: 'リクエストの内容が正しくありません。',
    ERR_UNATTESTED: 'この当事者はまだノードに認証されていません。',
    ERR_FORBIDDEN: 'この操作は許可されていません。',
    ERR_UNAUTHORIZED: '認証が必要です。',
    ERR_NOT_FOUND: '見つかりませんでした。',
    ERR_METHOD: 'この操作はこの宛先では使えません。',
    ERR_CONFLICT: '現在の状態と矛盾するため受け付けられません（すでに取り消し・置き換え済みなど）。',
    ERR_CITATION: '引用された記録が利用を許可していません。',
    ERR_CRAWLER_SIGNATURE: 'クローラーの署名（HTTP メッセージ署名）が正しくありません。',
    ERR_CRAWLER_KEY: 'クローラーの署名鍵が鍵ディレクトリにも登録済みの当事者にも見つかりません。',
    ERR_DUPLICATE: '同じオブジェクトはすでに公開されています。',
    ERR_REQUEST_TIMEOUT: 'リクエストが時間内に届きませんでした。',
    ERR_UNSUPPORTED_MEDIA_TYPE: 'この形式のデータは受け付けられません。',
    ERR_TOO_LARGE: 'データが大きすぎます。',
    ERR_BATCH_TOO_LARGE: '一度に送るオブジェクトが多すぎます。',
    ERR_RATE_LIMITED: 'リクエストが多すぎます。しばらく待ってからやり直してください。',
    ERR_INTERNAL: 'ノードの内部でエラーが起きました。',
    ERR_UNAVAILABLE: 'ノードは一時的に利用できません。',
    ERR_STORAGE: 'ノードの記憶装置が一時的に使えません。しばらく待ってからやり直してください。',
    ERR_NETWORK: 'ノードに接続できませんでした。',
  },
  en: {
    ERR_JWS_INVALID: 'The signed object (JWS) is malformed.',
    ERR_JWS_ALG: 'Only Ed25519 signatures are accepted.',
    ERR_JWS_HEADER: 'The signature header has a member that is not allowed.',
    ERR_JWS_TYP: 'This kind of object cannot be sent here.',
    ERR_JWS_KID: 'This key is not the current key of the party (after a key change, use the new key).',
    ERR_SIGNATURE: 'The signature does not verify.',
    ERR_PAYLOAD_UTF8: 'The content is not valid UTF-8.',
    ERR_PAYLOAD_JSON: 'The content is not valid JSON.',
    ERR_PAYLOAD_NONCANONICAL: 'The content is not canonical JSON (RFC 8785).',
    ERR_JSON_TOO_COMPLEX: 'The JSON is nested too deeply or has too many members.',
    ERR_SCHEMA: 'The content does not have the form the specification requires.',
    ERR_KEY_INVALID: 'This key cannot be used.',
    ERR_INVALID_IDENTIFIER: 'An identifier is malformed.',
    ERR_UNKNOWN_PURPOSE: 'An unknown purpose is named.',
    ERR_INVALID_REQUEST: 'The request is not valid.',
    ERR_UNATTESTED: 'This party is not attested by the node yet.',
    ERR_FORBIDDEN: 'This is not allowed.',
    ERR_UNAUTHORIZED: 'Authentication is needed.',
    ERR_NOT_FOUND: 'Not found.',
    ERR_METHOD: 'This operation is not available here.',
    ERR_CONFLICT: 'This conflicts with the current state (already revoked or superseded, for example).',
    ERR_CITATION: 'A cited record does not allow the use.',
    ERR_CRAWLER_SIGNATURE: "The crawler's HTTP message signature is not valid.",
    ERR_CRAWLER_KEY: "The crawler's signing key is neither in its key directory nor a registered party.",
    ERR_DUPLICATE: 'The same object is already published.',
    ERR_REQUEST_TIMEOUT: 'The request did not arrive in time.',
    ERR_UNSUPPORTED_MEDIA_TYPE: 'This media type is not accepted.',
    ERR_TOO_LARGE: 'The data is too large.',
    ERR_BATCH_TOO_LARGE: 'Too many objects at once.',
    ERR_RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
    ERR_INTERNAL: 'The node failed internally.',
    ERR_UNAVAILABLE: 'The node is unavailable for now.',
    ERR_STORAGE: "The node's storage is unavailable for now. Wait a moment and try again.",
    ERR_NETWORK: 'The node could not be reached.',
  },
};

/** The stable code of a node's problem: from its `type`, else from its status. */
export function problemCode(error: ApiError): ErrorCode {
  return codeOfProblemType(error.type) ?? codeOfStatus(error.status);
}

/**
 * What to show for an error: the message in the reader's language and, for a problem from the node
 * or the library, its own detail (English) as secondary text.
 */
export function describeError(error: unknown): { message: string; detail?: string; code?: ErrorCode } {
  if (error instanceof ApiError) {
    const code = problemCode(error);
    return { message: PROBLEMS[lang()][code], detail: error.message, code };
  }
  if (error instanceof KyodakuError)
    return { message: PROBLEMS[lang()][error.code], detail: error.message, code: error.code };
  return { message: error instanceof Error ? error.message : String(error) };
}
