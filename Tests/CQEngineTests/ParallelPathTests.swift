import CQLanguage
import CQSimulator
import CQStorage
import Foundation
import Testing

@testable import CQEngine

/// The parallel scan, the narrow-column copies and the columnar cache are speed-ups only:
/// each must give results identical to the serial, 32-bit, CSV-parsed path.
@Suite("Engine: parallel, narrow and cached paths", .serialized)
struct ParallelPathTests {
  static let queries = [
    "revenue, orders by campaign",
    "roas by campaign where brand=MuscleBlaze",
    "top 10 influencer by revenue where platform=Instagram",
    "engagement_rate by category, platform",
    "revenue by week where brand=HKVitals",
    "customers by brand, platform",
    "incremental_revenue by campaign",
    "payout, roas by brand, tier",
    "revenue, conversions where not (brand = Gritzo or source = google)",
    "payout by basis, month",
    "aov, cac, roas_delta by platform having roas > 0",
    "revenue, payout",
    // Byte-wide counts (orders) packed with the row count, alone, beside Int32 paise, after a
    // counted measure, under filters, and with one accumulator lane (many influencers).
    "orders by campaign where brand=MuscleBlaze",
    "conversions, orders, revenue by campaign",
    "revenue, orders by week where platform=Instagram and source != google",
    "orders, revenue by influencer",
    "orders, likes by platform",
  ]

  static func folder() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cq-parallel-\(UUID().uuidString)"
    ).path
    _ = try Simulator.write(SimulatorOptions(seed: 3, scale: 2), to: dir, progress: nil)
    return dir
  }

  static func run(_ engine: Engine, _ text: String) throws -> [[Value]] {
    guard case .query(let q)? = Parser.parse(text).statements.first?.stmt else {
      Issue.record("not a query: \(text)")
      return []
    }
    let result = try engine.run(q, source: text).result
    return [result.columns.map { .text($0.name) }] + result.rows + [result.totals ?? []]
  }

  @Test func parallelAndNarrowPathsEqualTheSerialPath() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let data = try DataLoader.load(folder: dir, cache: .ignore)
    var serialPaths = ExecutionTuning()
    serialPaths.parallelRowThreshold = .max
    var parallelPaths = ExecutionTuning()
    parallelPaths.parallelRowThreshold = 1
    // Derived codes made per query rather than kept (as for large tables).
    var unkeptPaths = parallelPaths
    unkeptPaths.keptDerivedRows = 0
    for text in Self.queries {
      let reference = try ExecutionTuning.$current.withValue(serialPaths) {
        () throws -> [[Value]] in
        let serial = Engine(data: data)
        serial.settings.totals = true
        let reference = try Self.run(serial, text)
        #expect(try Self.run(serial, text) == reference, "narrow copies: \(text)")
        #expect(try Self.run(serial, text) == reference, "cached narrow copies: \(text)")
        return reference
      }
      try ExecutionTuning.$current.withValue(parallelPaths) { () throws in
        let parallel = Engine(data: data)
        parallel.settings.totals = true
        for round in 1...3 {
          #expect(try Self.run(parallel, text) == reference, "parallel, round \(round): \(text)")
        }
      }
      try ExecutionTuning.$current.withValue(unkeptPaths) { () throws in
        let unkept = Engine(data: data)
        unkept.settings.totals = true
        for round in 1...3 {
          #expect(
            try Self.run(unkept, text) == reference,
            "derived codes not kept, round \(round): \(text)")
        }
      }
    }
  }

  /// `top N` selects its rows through a heap rather than sorting every group: the rows must be
  /// exactly the first N of the fully sorted result, ties included.
  @Test func topNIsTheFirstRowsOfTheFullOrder() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let engine = Engine(data: try DataLoader.load(folder: dir, cache: .ignore))
    let cases = [
      ("influencer", "revenue"), ("user", "revenue"), ("user", "orders"), ("influencer", "roas"),
      ("product", "aov"), ("day", "conversions"),
    ]
    for (dimension, metric) in cases {
      // Header and rows, without the totals entry `run` appends.
      func rows(_ text: String) throws -> [[Value]] { Array(try Self.run(engine, text).dropLast()) }
      let descending = try rows("\(metric) by \(dimension) order by \(metric) desc")
      let ascending = try rows("\(metric) by \(dimension) order by \(metric) asc")
      #expect(descending.count > 8, "\(metric) by \(dimension) has enough groups to select from")
      for n in [1, 7, 25] {
        #expect(
          try rows("top \(n) \(dimension) by \(metric)") == Array(descending.prefix(n + 1)),
          "top \(n) \(dimension) by \(metric)")
        #expect(
          try rows("\(metric) by \(dimension) order by \(metric) asc limit \(n)")
            == Array(ascending.prefix(n + 1)),
          "\(metric) by \(dimension) asc limit \(n)")
      }
    }
  }

  @Test func cachedLoadAnswersLikeTheCSVs() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let parsed = Engine(data: try DataLoader.load(folder: dir, cache: .rebuild))
    let cached = Engine(data: try DataLoader.load(folder: dir, cache: .use))
    for text in Self.queries {
      #expect(try Self.run(cached, text) == Self.run(parsed, text), "\(text)")
    }
  }
}
