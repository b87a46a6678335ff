/**
 * Every generated file path must name a file inside out/: relative, made of plain segments. The
 * generators make names file-safe and validation refuses bad object names first; this is the last
 * check before the writer (which refuses paths outside out/ itself), so a slip anywhere in
 * generation is reported, not written.
 */
const SEGMENT = /^[A-Za-z0-9._@+-]+$/;

export function outputPathProblems(paths: Iterable<string>): string[] {
  const problems: string[] = [];
  for (const path of paths) {
    const segments = path.split('/');
    const ok = segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
    if (!ok) problems.push(`out/${path}: not a plain path inside out/ (a slipway bug: please report it with the app that generates it)`);
  }
  return problems;
}
