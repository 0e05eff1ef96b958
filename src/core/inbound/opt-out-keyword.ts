// Does a reply ask to stop? A reply is an opt-out when, NFKC-normalised
// (full-width ＳＴＯＰ is STOP, half-width katakana folds too), upper-cased and
// stripped of surrounding spaces and punctuation (「停止」, "STOP.", 停止。),
// it equals one of the keywords, normalised the same way. The whole reply
// must be the keyword: 「停止しないで」 is not an opt-out, nor "STOPPED".

// Spaces, ASCII punctuation and the Japanese brackets and stops a handset
// keyboard puts around a word.
const EDGE = /^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu;

export function normaliseKeyword(text: string): string {
  return text.normalize('NFKC').replace(EDGE, '').toUpperCase();
}

/** The normalised keyword `text` is, or undefined when it is not an opt-out. */
export function optOutKeywordOf(text: string, keywords: readonly string[]): string | undefined {
  const t = normaliseKeyword(text);
  if (t.length === 0) return undefined;
  return keywords.map(normaliseKeyword).find((k) => k === t);
}
