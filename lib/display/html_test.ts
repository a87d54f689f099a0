import assert from "node:assert/strict";
import { escapeHtml, formatCell, tableColumns, tableHtml, tableText } from "./html.ts";

Deno.test("escapeHtml() escapes markup and quotes", () => {
  assert.equal(
    escapeHtml(`<a href="x">&'</a>`),
    "&#60;a href=&#34;x&#34;&#62;&#38;&#39;&#60;/a&#62;",
  );
});

Deno.test("formatCell() formats integers, decimals, missing values and objects", () => {
  assert.equal(formatCell(3), "3");
  assert.equal(formatCell(0.123456), "0.1235");
  assert.equal(formatCell(0.5, 2), "0.50");
  assert.equal(formatCell(undefined), "–");
  assert.equal(formatCell(NaN), "–");
  assert.equal(formatCell(Infinity), "Infinity");
  assert.equal(formatCell([1, 2]), "[1,2]");
});

Deno.test("tableColumns() takes keys in order of first appearance", () => {
  assert.deepEqual(tableColumns([{ a: 1 }, { b: 2, a: 3 }]), ["a", "b"]);
  assert.deepEqual(tableColumns([{ a: 1 }], { columns: ["z"] }), ["z"]);
});

Deno.test("tableHtml() escapes cells and right-aligns numbers", () => {
  const html = tableHtml([{ method: "<b>", auroc: 0.91234 }], { caption: "c&d" });
  assert.match(html, /<caption>c&#38;d<\/caption>/);
  assert.match(html, /<th>method<\/th><th>auroc<\/th>/);
  assert.match(html, /<td>&#60;b&#62;<\/td><td style="text-align:right">0\.9123<\/td>/);
});

Deno.test("tableText() aligns columns", () => {
  assert.equal(
    tableText([{ method: "GEOM", auroc: 0.9 }, { method: "OC-SVM", auroc: 0.75 }], { digits: 2 }),
    "method  auroc\n------  -----\nGEOM    0.90\nOC-SVM  0.75",
  );
});
