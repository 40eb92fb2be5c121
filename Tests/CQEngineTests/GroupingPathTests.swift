@testable import CQEngine
import CQLanguage
import CQSimulator
import CQStorage
import CQTestSupport
import Foundation
import Testing

/// Hash aggregation (radix-partitioned or not), the widened fused pass, columnar execution and
/// the packed-key sort are speed-ups only: each must give results identical to the dense,
/// group-at-a-time, comparison-sorted path.
@Suite("Engine: grouping paths", .serialized)
struct GroupingPathTests {
  static let queries = [
    "revenue by user",
    "revenue, orders by user, day",
    "top 20 user by revenue",
    "top 5 user by revenue with other",
    "revenue, orders by user order by user limit 50",
    "customers by campaign where platform=Instagram",
    "roas by influencer_id, campaign having roas > 2",
    "roas, payout by influencer, campaign where brand=MuscleBlaze having roas > 1",
    "engagement_rate by influencer_id",
    "cpm by category",
    "top 10 influencer_id by roas where brand=MuscleBlaze",
    "revenue, orders by brand, platform, month",
    "customers by month where brand=HKVitals and source=google",
    "orders by product, campaign having orders > 10",
    "new_customers by campaign",
    "conversions by influencer_id, week",
    "share(revenue), roas_delta by user, brand where campaign=Campaign_2",
    "aov by user, source order by aov desc, user",
    "payout by brand, day",
    "revenue by user, campaign where not brand=Gritzo having revenue >= 1000 order by revenue",
    // Many ties on the metric: settled by labels (user, then campaign; source, then user).
    "conversions by user, campaign",
    "orders by source, user",
    "conversions by day, user order by conversions",
    "conversions by user, week order by conversions desc",
  ]

  /// Every fast path off: dense tables, the group-at-a-time executor, comparison sorts.
  struct Paths {
    var fusedKeyLimit: Int64, fusedKeyCap: Int64, denseKeyLimit: Int64, partitionRows: Int, packed: Int
    var columns: Bool

    static var current: Paths {
      Paths(
        fusedKeyLimit: Aggregator.fusedKeyLimit, fusedKeyCap: Aggregator.fusedKeyCap,
        denseKeyLimit: Aggregator.denseKeyLimit, partitionRows: Aggregator.partitionRowThreshold,
        packed: Engine.packedSortMinimum, columns: Engine.executesOnColumns)
    }

    func apply() {
      Aggregator.fusedKeyLimit = fusedKeyLimit
      Aggregator.fusedKeyCap = fusedKeyCap
      Aggregator.denseKeyLimit = denseKeyLimit
      Aggregator.partitionRowThreshold = partitionRows
      Engine.packedSortMinimum = packed
      Engine.executesOnColumns = columns
    }
  }

  static func run(_ engine: Engine, _ text: String) throws -> [[Value]] {
    guard case .query(let q)? = Parser.parse(text).statements.first?.stmt else {
      Issue.record("not a query: \(text)")
      return []
    }
    let result = try engine.run(q, source: text).result
    return [result.columns.map { .text($0.name) }] + result.rows + [result.totals ?? []]
  }

  static func answers(_ data: DataSet, _ paths: Paths) throws -> [[[Value]]] {
    let saved = Paths.current
    defer { saved.apply() }
    paths.apply()
    let engine = Engine(data: data)
    engine.settings.totals = true
    return try queries.map { try run(engine, $0) }
  }

  @Test(arguments: [5, 6] as [UInt64])
  func everyGroupingPathGivesTheSameRows(seed: UInt64) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cq-grouping-\(UUID().uuidString)").path
    _ = try Simulator.write(SimulatorOptions(seed: seed, scale: 1), to: dir, progress: nil)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let data = try DataLoader.load(folder: dir, cache: .ignore)
    let reference = try Self.answers(
      data,
      Paths(fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: .max, partitionRows: .max, packed: .max, columns: false))
    #expect(reference.allSatisfy { $0.count > 2 }, "every query has rows")
    let variants: [(String, Paths)] = [
      ("hash, not partitioned", Paths(fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: 0, partitionRows: .max, packed: .max, columns: false)),
      ("hash, partitioned", Paths(fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: 0, partitionRows: 0, packed: .max, columns: false)),
      ("columns", Paths(fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: .max, partitionRows: .max, packed: .max, columns: true)),
      ("columns, packed sort", Paths(fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: 0, partitionRows: 0, packed: 2, columns: true)),
      ("fused up to 2 Mi keys", Paths(fusedKeyLimit: 1 << 16, fusedKeyCap: 1 << 21, denseKeyLimit: 0, partitionRows: 0, packed: 2, columns: true)),
      ("defaults", Paths.current),
    ]
    for (name, paths) in variants {
      let got = try Self.answers(data, paths)
      for (i, q) in Self.queries.enumerated() {
        #expect(got[i] == reference[i], "\(name): \(q)")
      }
    }
  }

  /// The hash table against a dictionary on random keys, through growth.
  @Test func keyTableMatchesADictionary() {
    var rng = SplitMix64(state: 42)
    var table = KeyTable(expected: 4)
    var reference: [Int64: Int32] = [:]
    for _ in 0..<50_000 {
      let key = Int64(rng.next() % 20_000) * 7_919
      let id = table.id(key)
      if let known = reference[key] {
        #expect(id == known)
      } else {
        #expect(id == Int32(reference.count))
        reference[key] = id
      }
    }
    #expect(table.count == reference.count)
    for (key, id) in reference { #expect(table.find(key) == id) }
    #expect(table.find(1) == nil)
    #expect(table.order.enumerated().allSatisfy { reference[$0.element] == Int32($0.offset) })
  }
}
