import CQLanguage
import CQSimulator
import CQStorage
import CQTestSupport
import Foundation
import Testing

@testable import CQEngine

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

  /// Which paths the executor takes: fused passes, dense tables, partitioned hashing, packed
  /// sorts, the columnar executor (bound around one run as the task-local ``ExecutionTuning``).
  struct Paths {
    var fusedKeyLimit: Int64, fusedKeyCap: Int64, denseKeyLimit: Int64, partitionRows: Int,
      packed: Int
    var columns: Bool

    static var current: Paths {
      let t = ExecutionTuning.current
      return Paths(
        fusedKeyLimit: t.fusedKeyLimit, fusedKeyCap: t.fusedKeyCap, denseKeyLimit: t.denseKeyLimit,
        partitionRows: t.partitionRowThreshold, packed: t.packedSortMinimum,
        columns: t.executesOnColumns)
    }

    var tuning: ExecutionTuning {
      var t = ExecutionTuning()
      t.fusedKeyLimit = fusedKeyLimit
      t.fusedKeyCap = fusedKeyCap
      t.denseKeyLimit = denseKeyLimit
      t.partitionRowThreshold = partitionRows
      t.packedSortMinimum = packed
      t.executesOnColumns = columns
      return t
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
    try ExecutionTuning.$current.withValue(paths.tuning) { () throws -> [[[Value]]] in
      // The executor reads the thresholds bound here (and only here).
      #expect(
        Aggregator.denseKeyLimit == paths.denseKeyLimit && Engine.executesOnColumns == paths.columns
      )
      let engine = Engine(data: data)
      engine.settings.totals = true
      return try queries.map { try run(engine, $0) }
    }
  }

  @Test(arguments: [5, 6] as [UInt64])
  func everyGroupingPathGivesTheSameRows(seed: UInt64) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cq-grouping-\(UUID().uuidString)"
    ).path
    _ = try Simulator.write(SimulatorOptions(seed: seed, scale: 1), to: dir, progress: nil)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let data = try DataLoader.load(folder: dir, cache: .ignore)
    let reference = try Self.answers(
      data,
      Paths(
        fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: .max, partitionRows: .max, packed: .max,
        columns: false))
    #expect(reference.allSatisfy { $0.count > 2 }, "every query has rows")
    let variants: [(String, Paths)] = [
      (
        "hash, not partitioned",
        Paths(
          fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: 0, partitionRows: .max, packed: .max,
          columns: false)
      ),
      (
        "hash, partitioned",
        Paths(
          fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: 0, partitionRows: 0, packed: .max,
          columns: false)
      ),
      (
        "columns",
        Paths(
          fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: .max, partitionRows: .max, packed: .max,
          columns: true)
      ),
      (
        "columns, packed sort",
        Paths(
          fusedKeyLimit: 0, fusedKeyCap: 0, denseKeyLimit: 0, partitionRows: 0, packed: 2,
          columns: true)
      ),
      (
        "fused up to 2 Mi keys",
        Paths(
          fusedKeyLimit: 1 << 16, fusedKeyCap: 1 << 21, denseKeyLimit: 0, partitionRows: 0,
          packed: 2, columns: true)
      ),
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

  /// A radix partition's table: every key shares the top bits of its hash, which the slots
  /// leave out (else the keys would pile into a few slots); the ids are those of a dictionary.
  @Test func keyTableOfOnePartitionMatchesADictionary() {
    var rng = SplitMix64(state: 7)
    let bits = Aggregator.partitionBits
    func partition(_ key: Int64) -> UInt64 {
      (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits)
    }
    var keys: [Int64] = []
    while keys.count < 5_000 {
      let key = Int64(rng.next() % 10_000_000)
      if partition(key) == 3 { keys.append(key) }
    }
    var table = KeyTable(expected: keys.count, sharedTopBits: bits)
    var reference: [Int64: Int32] = [:]
    for key in keys {
      let id = table.id(key)
      if let known = reference[key] {
        #expect(id == known)
      } else {
        #expect(id == Int32(reference.count))
        reference[key] = id
      }
    }
    for (key, id) in reference { #expect(table.find(key) == id) }
  }

  /// The radix sort of packed keys is a stable sort: one and two words, narrow and wide keys,
  /// many ties.
  @Test(arguments: [1, 2]) func radixOrderIsAStableSort(words: Int) {
    var rng = SplitMix64(state: UInt64(words))
    for (n, mask) in [
      (0, UInt64.max), (1, .max), (1_000, 0xFF), (20_000, 0xFFFF_FFFF), (20_000, .max),
    ] as [(Int, UInt64)] {
      let keys = (0..<(n * words)).map { i in
        i % words == 0 && words == 2 ? rng.next() & 0x3 : rng.next() & mask
      }
      func key(_ i: Int) -> [UInt64] { Array(keys[(i * words)..<((i + 1) * words)]) }
      let expected = (0..<n).sorted { a, b in
        key(a).lexicographicallyPrecedes(key(b)) || (key(a) == key(b) && a < b)
      }
      #expect(
        Engine.radixOrder(keys, words: words).map(Int.init) == expected, "n \(n), mask \(mask)")
    }
  }

  /// A result kept in columns reads the same cell by cell, row by row and as `rows`, with the
  /// rows appended after it.
  @Test func resultRowsInColumnsReadAsRows() {
    struct Squares: ResultRows {
      var count: Int { 5 }
      func cell(_ row: Int, _ column: Int) -> Value {
        column == 0 ? .text("r\(row)") : .integer(Int64(row * row))
      }
    }
    let columns = [
      ResultColumn(name: "r", role: .dimension(time: nil), format: .text),
      ResultColumn(name: "sq", role: .metric, format: .integer),
    ]
    var result = ResultSet(columns: columns, rows: Squares())
    result.append([.text("(other)"), .integer(99)], kind: .other)
    let expected: [[Value]] =
      (0..<5).map { [.text("r\($0)"), .integer(Int64($0 * $0))] } + [
        [.text("(other)"), .integer(99)]
      ]
    #expect(result.rowCount == 6)
    #expect(result.rowKinds == [.normal, .normal, .normal, .normal, .normal, .other])
    #expect((0..<6).map { result.row($0) } == expected)
    #expect((0..<6).map { r in (0..<2).map { result.cell(r, $0) } } == expected)
    #expect(result.rows == expected)
    result.rows.removeLast()
    #expect(result.rows == Array(expected.dropLast()))
  }
}
