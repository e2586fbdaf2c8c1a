/** Parsing `KEY=VALUE` flags (`--name ja=許諾`, `--purpose train=deny`). */
import { usageError } from './output.ts';

export function splitPair(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1)
    throw usageError(`${flag} takes KEY=VALUE, got ${JSON.stringify(text)}`);
  return [text.slice(0, eq).trim(), text.slice(eq + 1)];
}

/** `["ja=許諾", "en=Consent"]` → `{ja: "許諾", en: "Consent"}`; a later value for a key wins. */
export function langText(
  values: readonly string[] | undefined,
  flag: string,
): Record<string, string> | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const value of values) {
    const [lang, text] = splitPair(value, flag);
    map[lang] = text;
  }
  return map;
}

/** Like langText, but several values per language are kept (aliases). */
export function langNames(
  values: readonly string[] | undefined,
  flag: string,
): Record<string, string[]> | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const map: Record<string, string[]> = {};
  for (const value of values) {
    const [lang, text] = splitPair(value, flag);
    map[lang] = [...(map[lang] ?? []), text];
  }
  return map;
}
