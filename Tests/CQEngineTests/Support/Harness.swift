import CQEngine
import CQLanguage
import CQStorage
import Foundation
import Testing

/// Fixture folders beside this file's parent: `Tests/CQEngineTests/Fixtures/NAME`.
enum EngineFixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  static func path(_ name: String) -> String { root.appendingPathComponent(name).path }
}

/// Something went wrong before the engine could answer (parse error, not a query).
struct HarnessError: Error, CustomStringConvertible {
  var description: String
}

/// An engine over a fixture folder plus the reference model of the same files.
struct Harness {
  let engine: Engine
  var reference: Reference

  init(
    _ fixture: String = "small", allocation: AllocationWeight = .orders, tiers: String? = nil,
    totals: Bool = false
  ) throws {
    let folder = EngineFixtures.path(fixture)
    engine = Engine(data: try DataLoader.load(folder: folder))
    engine.settings.allocation = allocation
    engine.settings.totals = totals
    reference = try Reference(folder: folder)
    reference.weight = allocation == .orders ? .orders : .revenue
    if let tiers {
      guard let parsed = Tiers.parse(tiers) else {
        throw HarnessError(description: "bad tiers '\(tiers)'")
      }
      engine.settings.tiers = parsed
      reference.tiers = parsed.thresholds
    }
  }

  /// Parses and runs one query statement.
  func run(_ text: String) throws -> ResultSet {
    let (statements, diagnostics) = Parser.parse(text)
    guard diagnostics.isEmpty, statements.count == 1, case .query(let query) = statements[0].stmt
    else {
      throw HarnessError(
        description: "'\(text)' did not parse as one query: \(diagnostics.map(\.message))")
    }
    return try engine.run(query, source: text).result
  }

  /// Runs a query that must fail in the model phase; returns its diagnostics' messages.
  func modelError(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
    -> [String]
  {
    let (statements, diagnostics) = Parser.parse(text)
    guard diagnostics.isEmpty, statements.count == 1, case .query(let query) = statements[0].stmt
    else {
      Issue.record(
        "'\(text)' did not parse: \(diagnostics.map(\.message))", sourceLocation: sourceLocation)
      return []
    }
    do {
      let outcome = try engine.run(query, source: text)
      Issue.record(
        "'\(text)' answered \(outcome.result.rows) instead of a model error",
        sourceLocation: sourceLocation)
      return []
    } catch {
      #expect(!error.diagnostics.isEmpty, sourceLocation: sourceLocation)
      #expect(
        error.diagnostics.allSatisfy { $0.phase == .model }, "\(text)",
        sourceLocation: sourceLocation)
      #expect(error.exitStatus == 3, "\(text)", sourceLocation: sourceLocation)
      return error.diagnostics.map {
        ([$0.message] + $0.notes.map(\.message)).joined(separator: " | ")
      }
    }
  }
}

extension ResultSet {
  /// Number of dimension columns.
  var dimensionCount: Int {
    columns.filter { if case .dimension = $0.role { true } else { false } }.count
  }

  /// Normal rows keyed by their dimension labels.
  var byLabels: [[String]: [Value]] {
    var out: [[String]: [Value]] = [:]
    for (i, row) in rows.enumerated() where rowKinds[i] == .normal {
      out[row.prefix(dimensionCount).map(\.label)] = Array(row.dropFirst(dimensionCount))
    }
    return out
  }

  /// Labels of the normal rows in result order.
  var labelRows: [[String]] {
    rows.indices.filter { rowKinds[$0] == .normal }.map {
      rows[$0].prefix(dimensionCount).map(\.label)
    }
  }

  /// Metric column of a normal row found by its labels.
  func cell(_ labels: [String], _ metric: String) -> Value? {
    guard let j = columns.firstIndex(where: { $0.name == metric }), let row = byLabels[labels]
    else { return nil }
    return row[j - dimensionCount]
  }
}

extension Value {
  var label: String {
    switch self {
    case .text(let t): t
    case .integer(let i): "\(i)"
    case .paise(let p): "₹\(p)"
    case .number(let d): "\(d)"
    case .empty: "–"
    }
  }
}

/// Whether an engine cell matches an expected value: money and counts exactly, ratios to 1e-9.
func matches(_ actual: Value, _ expected: RefValue) -> Bool {
  switch (actual, expected) {
  case (.paise(let a), .paise(let e)): return a == e
  case (.integer(let a), .integer(let e)): return a == e
  case (.empty, .empty): return true
  case (.number(let a), .number(let e)): return abs(a - e) <= 1e-9 * max(1, abs(e))
  default: return false
  }
}

/// Expects the engine result to equal the reference rows exactly (same groups, same cells).
func expectRows(
  _ result: ResultSet, _ expected: [[String]: [RefValue]], _ context: String,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  let actual = result.byLabels
  #expect(
    Set(actual.keys) == Set(expected.keys),
    "\(context): groups \(actual.keys.sorted { $0.lexicographicallyPrecedes($1) }) vs expected \(expected.keys.sorted { $0.lexicographicallyPrecedes($1) })",
    sourceLocation: sourceLocation)
  for (labels, values) in expected {
    guard let row = actual[labels] else { continue }
    #expect(
      row.count == values.count, "\(context) \(labels): \(row.count) cells",
      sourceLocation: sourceLocation)
    for (i, e) in values.enumerated() where i < row.count {
      #expect(
        matches(row[i], e), "\(context) \(labels) column \(i): got \(row[i]), expected \(e)",
        sourceLocation: sourceLocation)
    }
  }
}

/// A flag set from inside `withKnownIssue`'s closure.
actor Flag {
  var value = false
  func set(_ v: Bool) { value = v }
}

/// Crash-safe runs: a query that traps would kill the whole test process, so queries known to
/// trap run first in a child process (an exit test).
enum CrashGuard {
  /// Whether `text` runs to completion (answer or model error) on `fixture` without trapping.
  static func survives(
    _ text: String, fixture: String = "small",
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) async -> Bool {
    let result = await #expect(
      processExitsWith: .success, "'\(text)' must not trap", sourceLocation: sourceLocation
    ) {
      [text, fixture] in
      let h = try Harness(fixture)
      _ = try? h.run(text)
    }
    return result != nil
  }

  /// Like `survives`, for a query whose trap is a known engine bug (`withKnownIssue`).
  static func survivesKnownCrash(_ text: String, bug: String, fixture: String = "small") async
    -> Bool
  {
    let flag = Flag()
    await withKnownIssue(Comment(rawValue: bug)) {
      let ok = await survives(text, fixture: fixture)
      await flag.set(ok)
    }
    return await flag.value
  }
}
