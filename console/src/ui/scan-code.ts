/**
 * What a label says, as the code to use: trace-code labels carry the passport's address
 * (`https://…/t/<code>`), so a scanned address gives its code; anything else stays as read.
 */
export function codeFromScan(text: string): string {
  const code = text.trim();
  const passport = /^https?:\/\/[^\s]+\/t\/([A-Za-z0-9-]{4,40})\/?(?:[?#].*)?$/.exec(code);
  return passport ? passport[1] : code;
}
