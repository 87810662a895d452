/** Kinds whose text OneDoor reads (and may give to the matcher). */
export const EXTRACTABLE = new Set(['pdf', 'docx']);

/**
 * The text of a PDF (unpdf, the serverless build of Mozilla's PDF.js) or a DOCX (mammoth). Runs in
 * the `extract-attachment` job, never in a request. Only files that passed inspectFile() get here,
 * so a DOCX's ZIP is already known to inflate within the limits.
 */
export async function extractDocumentText(kind: string, data: Buffer, limits: { maxPages: number; maxChars: number }): Promise<string> {
  let text: string;
  // Each reader is loaded at its first document, not with every process that never reads one.
  if (kind === 'pdf') {
    const { getDocumentProxy } = await import('unpdf');
    // No eval of font programs; no fonts or workers fetched from anywhere.
    const pdf = await getDocumentProxy(new Uint8Array(data), { isEvalSupported: false, useSystemFonts: false, disableFontFace: true, stopAtErrors: false });
    try {
      const pages: string[] = [];
      let chars = 0;
      for (let n = 1; n <= Math.min(pdf.numPages, limits.maxPages) && chars < limits.maxChars; n++) {
        const page = await pdf.getPage(n);
        const content = await page.getTextContent();
        const lines: string[] = [];
        let line = '';
        for (const item of content.items) {
          if (!('str' in item)) continue;
          line += item.str;
          if (item.hasEOL) { lines.push(line); line = ''; }
        }
        if (line) lines.push(line);
        const pageText = lines.join('\n');
        pages.push(pageText);
        chars += pageText.length;
        page.cleanup();
      }
      text = pages.join('\n\n');
    } finally {
      await pdf.destroy();
    }
  } else if (kind === 'docx') {
    const { default: mammoth } = await import('mammoth');
    text = (await mammoth.extractRawText({ buffer: data })).value;
  } else {
    throw new Error(`no text extraction for ${kind}`);
  }
  // One blank line at most, no NUL (PostgreSQL text cannot hold it).
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u0000/g, '').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim().slice(0, limits.maxChars);
}
