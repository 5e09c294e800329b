/**
 * A Chinese font for certificate PDFs. The PDF's built-in Helvetica covers Latin-1 only, so a
 * seller's name, a warehouse or a phone model written in Chinese would print as '?'. The font
 * comes from the operating system (Debian's fonts-noto-cjk in CI and in the image) or from
 * CERTIFICATE_FONT; pdfkit embeds only the glyphs a certificate uses.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type * as fontkit from 'fontkit';

export type CjkFont = fontkit.Font;

/**
 * Where distributions install a Simplified Chinese font, first found first used: Debian and
 * Ubuntu (fonts-noto-cjk), Alpine (font-noto-cjk), Arch (noto-fonts-cjk), Fedora
 * (google-noto-sans-cjk-fonts, older google-noto-cjk), WenQuanYi Zen Hei (Debian).
 */
export const KNOWN_CJK_FONTS: readonly string[] = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
];

/** What to do when no font is found: one line, the same in the error and the warning. */
export const NO_CJK_FONT =
  'no Chinese font for certificate PDFs (Chinese names would print as "?"): install fonts-noto-cjk (Debian/Ubuntu) or set CERTIFICATE_FONT to a .ttf, .otf or .ttc file with Chinese glyphs';

/** Characters a certificate's data holds often; a font without them is the wrong font. */
const SAMPLE = '数据擦除证书仓库回收华为小米';

/** The file to use: the setting when given, else the first known path that exists. */
export function findCjkFont(
  setting: string | undefined,
  exists: (path: string) => boolean = existsSync,
): string | null {
  if (setting) return exists(setting) ? setting : null;
  return KNOWN_CJK_FONTS.find((p) => exists(p)) ?? null;
}

const covers = (font: CjkFont) =>
  [...SAMPLE].every((c) => font.hasGlyphForCodePoint(c.codePointAt(0)!));

/**
 * Reads and parses the font once (the parsed font is reused for every PDF: parsing a CJK font
 * takes most of a second). In a collection (.ttc) the Simplified Chinese face is chosen.
 */
export async function openCjkFont(path: string): Promise<CjkFont> {
  // Loaded when first needed: the configuration reads this module's paths without it.
  const { create } = await import('fontkit');
  const opened = create(await readFile(path));
  const faces = 'fonts' in opened ? opened.fonts : [opened];
  // Noto names its faces …CJKsc…, …CJKjp…, Source Han …SC…: mainland glyph shapes.
  const simplified = faces.filter((f) => /CJKsc|SC|GB|CN|Hans/.test(f.postscriptName ?? ''));
  const face = [...simplified, ...faces].find(
    (f) => covers(f) && !/mono/i.test(f.postscriptName ?? ''),
  );
  if (!face) throw new Error(`${path} has no Chinese glyphs: ${NO_CJK_FONT}`);
  return face;
}
