import CQEngine
import CQLanguage
import CQSimulator
import CQStorage
import Foundation
import Testing

@testable import CQShell

/// cq's dimension, not Foundation's unit dimension.
private typealias Dimension = CQEngine.Dimension

/// One declaration, many readers: each list's source of truth is iterated, and parsing,
/// completion, `help` and `show` must cover every entry (settings: `SettingDeclarationTests`).
///
/// Serialized: the cases share one session (loading the data once).
@Suite(.serialized) struct DeclarationConsistencyTests {
  /// A session on simulated data with store_orders (so the lift metrics answer too).
  nonisolated(unsafe) static let session: Session = {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("cq-declaration-tests-\(UUID().uuidString)").path
    _ = try? Simulator.write(
      SimulatorOptions(seed: 11, scale: 1, storeOrders: true), to: folder, progress: nil)
    var options = SessionOptions()
    options.format = .csv
    let session = Session(options: options, out: { _ in }, err: { _ in })
    _ = session.load(folder: folder, quiet: true)
    return session
  }()

  static func complete(_ line: String) -> [String] {
    Completer.complete(
      line: line, cursor: line.utf8.count, vocabulary: session.vocabulary, currentDirectory: "/"
    ).candidates
  }

  static func shown(_ target: ShowTarget) throws -> [String] {
    let engine = try #require(session.engine)
    return engine.show(target).rows.compactMap { row in
      if case .text(let name) = row.first { name } else { nil }
    }
  }

  // MARK: Metrics

  @Test(arguments: MetricCatalog.documented.map(\.name))
  func everyReaderCoversTheMetric(name: String) throws {
    let metric = try #require(MetricCatalog.documented.first { $0.name == name })
    #expect(MetricCatalog.families.contains(metric.family), "\(name)'s family \(metric.family)")
    #expect(!metric.example.isEmpty, "\(name) has an example")

    // Parsing and running: the example is a statement that answers.
    #expect(Parser.parse(metric.example).diagnostics.isEmpty, "\(metric.example)")
    #expect(Parser.parse("\(name) by brand").diagnostics.isEmpty)
    #expect(Self.session.execute(metric.example, fileName: nil) == 0, "\(metric.example)")

    // Completion: at the start of a statement, after a comma and after having.
    #expect(Self.complete("").contains(name))
    #expect(Self.complete("revenue, ").contains(name))
    #expect(Self.complete("revenue by brand having ").contains(name))

    // help NAME: the metric's own entry, then its family, which names it.
    let help = try #require(Help.topic(name))
    #expect(help.hasPrefix(name + " "), "help \(name) starts with its entry")
    for part in [metric.formulaText, metric.example] + (metric.caveats.map { [$0] } ?? []) {
      #expect(help.contains(part), "help \(name) lacks '\(part)'")
    }
    let family = try #require(Help.topic(metric.family))
    #expect(help.hasSuffix(family))
    #expect(family.contains(name) || name.hasSuffix("_low") || name.hasSuffix("_high"))
    if !name.hasSuffix("_low"), !name.hasSuffix("_high") {
      #expect(try #require(Help.topic("metrics")).contains(name), "help metrics lists \(name)")
    }

    // show metrics and describe read the declaration: formula, family, caveats, example.
    #expect(try Self.shown(.metrics).contains(name))
    let engine = try #require(Self.session.engine)
    let row = engine.show(.metrics).rows.first { $0.first == .text(name) } ?? []
    let cells = row.map { cell in
      if case .text(let text) = cell { text } else { "" }
    }.joined(separator: "\t")
    for part in [metric.formulaText, metric.summary] + (metric.caveats.map { [$0] } ?? []) {
      #expect(cells.contains(part), "show metrics: \(name) lacks '\(part)'")
    }
    let described = Self.session.text(
      of: try engine.describe(NameRef(text: name, range: Session.emptyRange), source: name))
    let parts =
      [
        "formula: \(metric.formulaText)", "family:  \(metric.family)",
        "example: \(metric.example)\n",
      ]
      + (metric.caveats.map { ["caveat:  \($0)"] } ?? [])
    for part in parts {
      #expect(described.contains(part), "describe \(name) lacks '\(part)'")
    }
  }

  // MARK: Statement keywords

  @Test(arguments: Keywords.statements)
  func everyReaderCoversTheStatement(keyword: String) throws {
    // Completion offers it at the start (exit as quit).
    if keyword != "exit" { #expect(Self.complete("").contains(keyword)) }
    // help has a topic for it.
    #expect(Help.topic(keyword) != nil, "help \(keyword)")
    // The parser knows it: it never reads as a query's metric.
    let parsed = Parser.parseStatements(keyword).first
    if case .query(let query)? = parsed?.node?.stmt {
      Issue.record("'\(keyword)' parsed as a query of \(query.metrics.map(\.text))")
    }
  }

  /// Each clause keyword is offered where it may come and parses there.
  @Test(arguments: Keywords.clauses)
  func everyReaderCoversTheClause(keyword: String) throws {
    let before = keyword == "with" ? "revenue by brand limit 5 " : "revenue "
    #expect(Self.complete(before).contains(keyword), "'\(before)' offers \(keyword)")
    let operand =
      switch keyword {
      case "by", "across": "brand"
      case "where": "brand=MuscleBlaze"
      case "having": "revenue > 2L"
      case "order": "by revenue"
      case "limit": "5"
      case "with": "other"
      default: "bar"
      }
    let statement = before + keyword + " " + operand
    #expect(Parser.parse(statement).diagnostics.isEmpty, "\(statement)")
    #expect(try #require(Help.topic("query")).contains(keyword), "help query names \(keyword)")
  }

  // MARK: Dimensions

  @Test(arguments: Dimension.allCases)
  func everyReaderCoversTheDimension(dimension: CQEngine.Dimension) throws {
    let name = dimension.rawValue
    #expect(Dimension.named(name) == dimension)
    #expect(Dimension.named(name.uppercased()) == dimension)
    #expect(Parser.parse("revenue by \(name)").diagnostics.isEmpty)
    #expect(Self.complete("revenue by ").contains(name))
    #expect(Self.complete("revenue where ").contains(name))
    #expect(try #require(Help.topic("dimensions")).contains(name), "help dimensions names \(name)")
    #expect(Help.topic(name) == Help.topic("dimensions"))
    #expect(try Self.shown(.dimensions).contains(name))
  }

  /// Plurals follow one rule set, the binder's: completion finds values through it too.
  @Test func pluralsResolveOneWay() {
    for (plural, dimension) in [
      ("campaigns", Dimension.campaign), ("categories", .category), ("statuses", .status),
      ("bases", .basis), ("dates", .day), ("weeks", .week), ("post_platforms", .postPlatform),
    ] {
      #expect(Dimension.named(plural) == dimension, "\(plural)")
    }
    #expect(Self.complete("revenue where brands=Muscle").contains("MuscleBlaze"))
  }
}
