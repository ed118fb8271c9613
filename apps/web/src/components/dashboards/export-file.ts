'use client';

/** Hands a file to the browser as a download. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // NOTE: revoking at once can cancel the download in some browsers; a tick later is enough.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadCsv(csv: string, fileName: string): void {
  // The byte order mark makes spreadsheets read the file as UTF-8 (group values may be any text).
  downloadBlob(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }), fileName);
}

/**
 * A PNG of the panel as rendered (title, chart with its legend, source line), at twice the
 * screen's pixel density; elements marked `data-export-skip` (the panel's menu and buttons) are
 * left out. html-to-image draws the DOM through an SVG foreignObject onto a canvas, so HTML
 * parts (recharts' legend, tables, stat figures) come out as well as the SVG chart.
 */
export async function panelPng(node: HTMLElement): Promise<Blob> {
  // Loaded when a picture is asked for: nobody else pays for it on first render.
  const { toBlob } = await import('html-to-image');
  const blob = await toBlob(node, {
    backgroundColor: '#ffffff',
    pixelRatio: Math.max(2, window.devicePixelRatio || 1),
    // The console uses system fonts only: nothing to embed, and no stylesheet fetches.
    skipFonts: true,
    filter: (el) => !(el instanceof HTMLElement && el.dataset.exportSkip !== undefined),
  });
  if (!blob) throw new Error('the browser could not draw this panel');
  return blob;
}
