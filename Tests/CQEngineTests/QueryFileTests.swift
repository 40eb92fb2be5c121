import CQEngine
import CQLanguage
import CQStorage
import CQTestSupport
import Foundation
import Testing

/// Golden query files in DataFusion's `.slt` style (`Tests/CQEngineTests/Queries/*.slt`).
///
/// Each record is a statement and what it must give — result rows, an error, or `explain`
/// text — so a change of behaviour is a readable diff. One parameterised test runs every file.
///
/// ```
/// # fixture: small
/// query
/// revenue by brand
/// ----
/// brand	revenue
/// MuscleBlaze	1500.50
/// ====
///
/// error
/// revenue by nope
/// ----
/// unknown dimension 'nope'
/// ====
/// ```
///
/// Records: `query` (tab-separated header and rows, then `-- note:` footer lines), `error` (each
/// diagnostic's message, one a line), `explain` (the text), `plan` (the logical plan's text,
/// `explain plan`), `statement` (a `define`, `use` or
/// `set totals|allocation` that must succeed; no expected part). Cells: money in rupees with two
/// decimals, ratios to 10 significant digits, no value as `NULL`. `RECORD_SNAPSHOTS=1` rewrites
/// the expected parts and fails the test, so nothing passes silently; read the diff.
@Suite struct QueryFileTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Queries")

  static var files: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
      $0.hasSuffix(".slt")
    }.sorted()
  }

  typealias Record = QueryFile.Record

  /// A cell as the files spell it.
  static func cell(_ value: Value) -> String {
    switch value {
    case .text(let t): return t
    case .integer(let i): return String(i)
    case .paise(let p):
      let magnitude = p.magnitude
      let cents = magnitude % 100
      return (p < 0 ? "-" : "") + "\(magnitude / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    case .number(let d): return String(format: "%.10g", d)
    case .empty: return "NULL"
    }
  }

  /// What `record` gives now, as lines.
  static func actual(_ record: Record, engine: Engine) -> [String] {
    let source = record.source
    let parsed = Parser.parse(source)
    guard parsed.diagnostics.isEmpty, let stmt = parsed.statements.first?.stmt else {
      return parsed.diagnostics.map(\.message)
    }
    do {
      switch stmt {
      case .query(let q):
        let outcome = try engine.run(q, source: source)
        let result = outcome.result
        var lines = [result.columns.map(\.name).joined(separator: "\t")]
        lines += result.rows.map { $0.map(cell).joined(separator: "\t") }
        if let totals = result.totals { lines.append(totals.map(cell).joined(separator: "\t")) }
        lines += result.footnotes.texts.map { "-- note: " + $0 }
        return lines
      case .explain(let q):
        return try engine.explain(q, source: source).text.components(separatedBy: "\n")
      case .explainPlan(let q):
        return try engine.explainPlan(q, source: source).components(separatedBy: "\n")
      case .defineMetric(let name, let expr, let text):
        try engine.defineMetric(name, expr: expr, text: text, source: record.statement)
      case .defineSegment(let name, let condition, let text):
        try engine.defineSegment(name, condition: condition, text: text, source: record.statement)
      case .use(let condition, let text, _):
        try engine.use(condition, text: text, source: record.statement)
      case .set(let name, let value):
        let v = value?.text.lowercased() ?? ""
        switch name.key {
        case "totals": engine.settings.totals = v == "on"
        case "allocation": engine.settings.allocation = v == "revenue" ? .revenue : .orders
        default: return ["unsupported setting '\(name.text)'"]
        }
      default:
        return ["unsupported statement"]
      }
      return []
    } catch {
      return error.diagnostics.map(\.message)
    }
  }

  /// The files are found (a parameterised test over no files would pass without running).
  @Test func queryFilesArePresent() {
    #expect(Self.files.count >= 3, "\(Self.folder.path): \(Self.files)")
  }

  @Test(arguments: QueryFileTests.files)
  func queryFile(_ name: String) throws {
    let url = Self.folder.appendingPathComponent(name)
    let text = try String(contentsOf: url, encoding: .utf8)
    let (fixture, records) = QueryFile.parse(text)
    let engine = Engine(
      data: try DataLoader.load(folder: EngineFixtures.path(fixture), cache: .ignore))
    let recording = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    // In file order: statements change the engine's state for the records after them.
    var outputs: [[String]] = []
    var changed = false
    for r in records {
      let now = Self.actual(r, engine: engine)
      outputs.append(now)
      if r.kind == "statement" {
        #expect(now.isEmpty, "\(name):\(r.line): '\(r.statement)' failed: \(now)")
        continue
      }
      if r.kind == "error", now.first?.contains("\t") == true {
        Issue.record("\(name):\(r.line): '\(r.statement)' answered instead of failing")
      }
      if r.kind == "query", now.first?.contains("\t") != true, now.count < 2,
        !(now.first ?? "").isEmpty,
        r.expected.first?.contains("\t") == true
      {
        Issue.record("\(name):\(r.line): '\(r.statement)' failed: \(now)")
      }
      guard now != r.expected else { continue }
      changed = true
      if !recording {
        let width = max(now.count, r.expected.count)
        let padded = (
          r.expected + Array(repeating: "∅", count: width - r.expected.count),
          now + Array(repeating: "∅", count: width - now.count)
        )
        let diff = zip(padded.0, padded.1).enumerated().filter { $0.element.0 != $0.element.1 }
          .prefix(5)
          .map {
            "  line \($0.offset + 1): expected \($0.element.0)\n          actual   \($0.element.1)"
          }
          .joined(separator: "\n")
        Issue.record("\(name):\(r.line): \(r.kind) '\(r.statement)' differs:\n\(diff)")
      }
    }
    guard recording, changed else { return }
    // Rewrite each expected part in place with what was just produced.
    var out: [String] = []
    let lines = text.components(separatedBy: "\n")
    var i = 0
    var index = 0
    while i < lines.count {
      let line = lines[i]
      guard QueryFile.kinds.contains(line), index < records.count else {
        out.append(line)
        i += 1
        continue
      }
      let r = records[index]
      index += 1
      out.append(line)
      i += 1
      while i < lines.count, lines[i] != "----", lines[i] != "====",
        !(r.kind == "statement" && lines[i].isEmpty)
      {
        out.append(lines[i])
        i += 1
      }
      if r.kind == "statement" { continue }
      if i < lines.count, lines[i] == "----" {
        i += 1
        while i < lines.count, lines[i] != "====" { i += 1 }
      }
      i += 1
      out += ["----"] + outputs[index - 1] + ["===="]
    }
    try out.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    Issue.record("\(name): re-recorded; read the diff")
  }
}
