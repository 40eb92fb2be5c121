// CQRendering: everything a result can become (SPEC §5).
//
// - Table/: the box-drawn terminal table and the machine formats (csv, tsv, json, ndjson,
//   markdown), behind `ResultRenderer`.
// - Chart/: bar, line, spark, scatter and hist charts, behind `ChartRenderer`.
// - Format/: how a `Value` becomes text (exact decimal text, Indian or western grouping).
// - Terminal/: display width of Unicode text and the ANSI colour decorator.
// - Files/: atomic writes for `> FILE` and `>> FILE`.
// - Diagnostics/: the caret formatter for statement errors.
import CQLanguage
import CQStorage
