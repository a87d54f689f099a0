// Renders the rich outputs of an executed notebook as a report page, then screenshots it.
import { plotlySource, renderPng, reportHtml, type ReportSection } from "geomad/report/mod.ts";
const [nbPath, outPrefix, heightArg] = Deno.args;
const nb = JSON.parse(await Deno.readTextFile(nbPath!));
const sections: ReportSection[] = [];
let i = 0;
for (const cell of nb.cells) {
  if (cell.cell_type !== "code") continue;
  i++;
  const sec: ReportSection = { title: `cell ${i}`, figures: [], images: [], text: [] };
  for (const o of cell.outputs) {
    const d = o.data ?? {};
    if (d["application/vnd.plotly.v1+json"]) sec.figures!.push(d["application/vnd.plotly.v1+json"]);
    else if (d["image/png"]) {
      sec.images!.push({ png: Uint8Array.from(atob(d["image/png"]), (c) => c.charCodeAt(0)), caption: String(d["text/plain"]) });
    } else if (d["text/plain"]) sec.text!.push(Array.isArray(d["text/plain"]) ? d["text/plain"].join("") : d["text/plain"]);
    else if (o.output_type === "stream") sec.text!.push(Array.isArray(o.text) ? o.text.join("") : o.text);
  }
  if (sec.figures!.length + sec.images!.length + sec.text!.length) sections.push(sec);
}
const html = reportHtml({ title: nbPath!, sections }, { plotly: await plotlySource() });
await Deno.writeTextFile(`${outPrefix}.html`, html);
console.log(await renderPng(`${outPrefix}.html`, `${outPrefix}.png`, { height: Number(heightArg ?? 3000) }));
