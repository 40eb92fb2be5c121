import CQLanguage
import CQSimulator
import Foundation
import Testing

@testable import CQEngine
@testable import CQStorage

/// Spend allocation and first purchase days are kept beside the columnar cache: a fresh
/// process reads them instead of deriving them, with identical answers, and never trusts a
/// file that is damaged or describes other data.
@Suite("Engine: derived columns in the cache", .serialized)
struct DerivedCacheTests {
  static let queries = [
    "payout, roas by brand", "incremental_revenue, new_customers by campaign",
    "payout by brand, basis",
    "order_gap by influencer_id",
  ]

  static func answers(_ engine: Engine) throws -> [[[Value]]] {
    try queries.map { text in
      guard case .query(let q)? = Parser.parse(text).statements.first?.stmt else { return [] }
      return try engine.run(q, source: text).result.rows
    }
  }

  @Test func allocationAndFirstPurchasesAreReadBackIdentically() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cq-derived-\(UUID().uuidString)"
    ).path
    _ = try Simulator.write(SimulatorOptions(seed: 7, scale: 1), to: dir, progress: nil)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let data = try DataLoader.load(folder: dir, cache: .rebuild)
    let computing = Engine(data: data)
    let reference = try Self.answers(computing)
    let allocation = DerivedCache.path(dir, "allocation-orders")
    let first = DerivedCache.path(dir, "first-purchase-days")
    #expect(FileManager.default.fileExists(atPath: allocation))
    #expect(FileManager.default.fileExists(atPath: first))
    let stored = try #require(DerivedCache.read(folder: dir, name: "allocation-orders"))
    #expect(stored == computing.store.allocation(.orders).stored)
    // A fresh engine on the same data reads them, and answers the same.
    let reading = Engine(data: try DataLoader.load(folder: dir, cache: .use))
    #expect(try Self.answers(reading) == reference)
    // A damaged byte: the file is not trusted (and the columns are derived again).
    let handle = try #require(FileHandle(forUpdatingAtPath: allocation))
    let size = try handle.seekToEnd()
    try handle.seek(toOffset: size - 3)
    let byte = try #require(try handle.read(upToCount: 1)).first!
    try handle.seek(toOffset: size - 3)
    try handle.write(contentsOf: Data([byte ^ 0x5A]))
    try handle.close()
    #expect(DerivedCache.read(folder: dir, name: "allocation-orders") == nil)
    #expect(try Self.answers(Engine(data: data)) == reference)
    // Changed data: a source file's fingerprint differs, so the stored columns describe
    // other data and are not read.
    let payouts = (dir as NSString).appendingPathComponent("payouts.csv")
    var text = try String(contentsOfFile: payouts, encoding: .utf8)
    text += text.split(separator: "\n").last.map { String($0) + "\n" } ?? ""
    try text.write(toFile: payouts, atomically: true, encoding: .utf8)
    #expect(DerivedCache.read(folder: dir, name: "first-purchase-days") == nil)
  }

  static func answers(_ engine: Engine, _ texts: [String]) throws -> [[[Value]]] {
    try texts.map { text in
      guard case .query(let q)? = Parser.parse(text).statements.first?.stmt else { return [] }
      return try engine.run(q, source: text).result.rows
    }
  }

  /// Narrow copies (grain keys, filter codes, values, first-purchase codes) kept on disk are
  /// read back identically by a fresh engine, and a changed CSV makes them stale: the answers
  /// change, and equal those computed without any cache.
  @Test func narrowCopiesAreReadBackAndFollowTheData() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cq-narrow-\(UUID().uuidString)"
    ).path
    let dir = (root as NSString).appendingPathComponent("data")
    let plain = (root as NSString).appendingPathComponent("plain")
    _ = try Simulator.write(SimulatorOptions(seed: 11, scale: 1), to: dir, progress: nil)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let texts = [
      "revenue, orders by brand, platform, month", "revenue by week where brand=MuscleBlaze",
      "new_customers, incremental_revenue by campaign", "payout, roas by campaign",
      "conversions by influencer_id, week",
    ]
    let before = try Self.answers(
      Engine(data: try DataLoader.load(folder: dir, cache: .rebuild)), texts)
    let cacheFolder = (dir as NSString).appendingPathComponent(".cq-cache")
    let narrow = try FileManager.default.contentsOfDirectory(atPath: cacheFolder).filter {
      $0.hasPrefix("derived-narrow-")
    }
    #expect(narrow.count >= 5)
    #expect(
      try Self.answers(Engine(data: try DataLoader.load(folder: dir, cache: .use)), texts) == before
    )
    // A damaged byte in a stored grain key: the chunk's check fails as the scan reaches it,
    // the copy is made again, and the answers stay the same.
    let key = (cacheFolder as NSString).appendingPathComponent(
      "derived-" + Store.narrowFileName("tracking_data|key|brand,platform,month|") + ".cqd")
    let handle = try #require(FileHandle(forUpdatingAtPath: key))
    let size = try handle.seekToEnd()
    try handle.seek(toOffset: size - 100)
    let byte = try #require(try handle.read(upToCount: 1)).first ?? 0
    try handle.seek(toOffset: size - 100)
    try handle.write(contentsOf: Data([byte ^ 0x01]))
    try handle.close()
    #expect(
      try Self.answers(Engine(data: try DataLoader.load(folder: dir, cache: .use)), texts)
        == before)
    // It was written again, whole.
    let rewritten = try #require(FileHandle(forReadingAtPath: key))
    try rewritten.seek(toOffset: size - 100)
    #expect(try rewritten.read(upToCount: 1)?.first == byte)
    try rewritten.close()
    // Drop the last 50 tracking rows.
    let tracking = (dir as NSString).appendingPathComponent("tracking_data.csv")
    let lines = try String(contentsOfFile: tracking, encoding: .utf8).split(separator: "\n")
    try (lines.dropLast(50).joined(separator: "\n") + "\n").write(
      toFile: tracking, atomically: true, encoding: .utf8)
    let after = try Self.answers(Engine(data: try DataLoader.load(folder: dir, cache: .use)), texts)
    #expect(after != before)
    // The same files in a folder without a cache: every column derived afresh.
    try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: dir)
    where name.hasSuffix(".csv") {
      try FileManager.default.copyItem(
        atPath: (dir as NSString).appendingPathComponent(name),
        toPath: (plain as NSString).appendingPathComponent(name))
    }
    let reference = try Self.answers(
      Engine(data: try DataLoader.load(folder: plain, cache: .ignore)), texts)
    #expect(after == reference)
  }
}
