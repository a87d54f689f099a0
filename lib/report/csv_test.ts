import assert from "node:assert/strict";
import { csvField, csvTable, csvText } from "./csv.ts";
import type { PaperTable } from "./paper_table.ts";

Deno.test("csvField() quotes commas, quotes and line breaks only", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField('a,"b"'), '"a,""b"""');
  assert.equal(csvField("x\ny"), '"x\ny"');
  assert.equal(csvField(0.5), "0.5");
  assert.equal(csvField(NaN), "");
  assert.equal(csvField(undefined), "");
  assert.equal(csvText([["a", 1], ["b,c", 2]]), 'a,1\r\n"b,c",2\r\n');
});

Deno.test("csvTable() puts mean, SEM and n in their own columns", () => {
  const t: PaperTable = {
    rowHeader: "class",
    columns: [{ title: "GEOM", kind: "ours" }, { title: "GEOM (paper)", kind: "paper" }],
    rows: [
      { label: "Trouser (1)", cells: [{ mean: 97.123456, sem: 0.5, n: 3 }, { mean: 97.6 }] },
      { label: "mean, all", cells: ["failed", { mean: 93.5, note: "all 10 classes" }] },
    ],
    caption: "c",
    label: "l",
    best: "row",
  };
  assert.equal(
    csvTable(t),
    "class,GEOM mean,GEOM sem,GEOM n,GEOM (paper),GEOM (paper) note\r\n" +
      "Trouser (1),97.1235,0.5,3,97.6,\r\n" +
      '"mean, all",failed,,,93.5,all 10 classes\r\n',
  );
});

Deno.test("csvTable() gives paired tests' p-values a column, to 4 significant digits", () => {
  const t: PaperTable = {
    rowHeader: "class",
    columns: [{ title: "GOAD − GEOM", kind: "ours" }],
    rows: [
      { label: "0", cells: [{ mean: 2.1, sem: 0.7, p: 0.0031234, note: "p 0.003", signed: true }] },
      { label: "1", cells: [{ mean: -14.6, sem: 2.1, p: 3.456789e-12, signed: true }] },
      { label: "2", cells: [undefined] },
    ],
    caption: "c",
    label: "l",
    best: "none",
  };
  assert.equal(
    csvTable(t),
    "class,GOAD − GEOM mean,GOAD − GEOM sem,GOAD − GEOM n,GOAD − GEOM p,GOAD − GEOM note\r\n" +
      "0,2.1,0.7,,0.003123,p 0.003\r\n" +
      "1,-14.6,2.1,,3.457e-12,\r\n" +
      "2,,,,,\r\n",
  );
});
