/**
 * Test helper for figures written for papers ({@link writeFigureFiles}): the checks every such
 * figure must pass, shared by the render tests and the sweep tests that write figures.
 * @module
 */
import assert from "node:assert/strict";
import sharp from "sharp";
import { type FigureFiles, PAPER_FIGURE, paperPixels, type PaperSize } from "./vector.ts";
import { checkPdf } from "../util/tool_testing.ts";

/**
 * Asserts one figure's files at paper size `size`: an SVG of its pixel size, a one-page PDF of
 * its size in points (checked with `pdfinfo`) and a PNG at its scale. Returns the SVG text.
 */
export async function assertPaperFigureFiles(
  pdfinfo: string,
  files: FigureFiles,
  size: PaperSize = PAPER_FIGURE,
): Promise<string> {
  const { width, height } = paperPixels(size);
  const svg = await Deno.readTextFile(files.svg);
  assert.match(svg, new RegExp(`^<svg [^>]*width="${width}" height="${height}"`), files.svg);
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, files.svg);
  await checkPdf(pdfinfo, files.pdf, {
    pages: 1,
    pageSize: `${size.widthIn * 72} x ${size.heightIn * 72} pts`,
  });
  const png = await sharp(files.png).metadata();
  const scale = size.pngScale ?? 3;
  assert.deepEqual([png.width, png.height], [scale * width, scale * height], files.png);
  return svg;
}
