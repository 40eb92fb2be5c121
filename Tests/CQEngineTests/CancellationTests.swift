import CQLanguage
import CQSimulator
import Foundation
import Synchronization
import Testing

@testable import CQEngine
@testable import CQStorage

/// Each query runs under its own cancellation token (issue 12 item 5): cancelling one stops
/// that query only, leaves nothing behind for the next, and nothing a cancelled query built
/// half-way is kept.
@Suite("Engine: per-query cancellation", .serialized)
struct CancellationTests {
  static func query(_ text: String) throws -> QueryStmt {
    guard case .query(let q)? = Parser.parse(text).statements.first?.stmt else {
      Issue.record("not a query: \(text)")
      throw CancellationError()
    }
    return q
  }

  static func run(_ engine: Engine, _ text: String, under token: CancellationToken) throws
    -> ResultSet
  {
    let q = try query(text)
    return try CancellationToken.$current.withValue(token) {
      try engine.run(q, source: text).result
    }
  }

  /// Scale 6: about 24,000 users, past the size whose label order is kept on disk.
  static func simulated() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cq-cancel-\(UUID().uuidString)"
    ).path
    _ = try Simulator.write(SimulatorOptions(seed: 11, scale: 6), to: dir, progress: nil)
    return dir
  }

  @Test func aCancelledTokenStopsItsQueryAndNoOther() throws {
    let dir = try Self.simulated()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let data = try DataLoader.load(folder: dir, cache: .rebuild)
    let text = "revenue, orders by user, day"
    let reference = try Self.run(Engine(data: data), text, under: CancellationToken()).rows
    #expect(reference.count > 1000)

    // Cancelled before it starts: the query stops at its first check, with nothing to show.
    let engine = Engine(data: data)
    let cancelled = CancellationToken()
    cancelled.cancel()
    #expect(cancelled.isCancelled)
    #expect(try Self.run(engine, text, under: cancelled).rows.count < reference.count)
    // The next query on the same engine has a token of its own and runs whole.
    #expect(try Self.run(engine, text, under: CancellationToken()).rows == reference)

    // Two queries at once, each on its own engine and thread: cancelling one leaves the other.
    let otherRows = LockedRows()
    let group = DispatchGroup()
    let finishing = CancellationToken()
    DispatchQueue.global().async(group: group) {
      let rows = try? Self.run(Engine(data: data), text, under: finishing).rows
      otherRows.set(rows)
    }
    let stopped = CancellationToken()
    stopped.cancel()
    #expect(try Self.run(engine, text, under: stopped).rows.count < reference.count)
    group.wait()
    #expect(otherRows.get() == reference)
  }

  @Test func aCancelledLabelOrderIsNeverKept() throws {
    let dir = try Self.simulated()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let data = try DataLoader.load(folder: dir, cache: .rebuild)
    let store = Engine(data: data).store
    let space = store.space(.user, tiers: .standard)
    try #require(Store.storesRanks(space))
    let truth = LabelOrder.ranks(space)

    // A sort stopped by Ctrl-C gives some order; it must not be kept, in memory or on disk.
    let cancelled = CancellationToken()
    cancelled.cancel()
    let partial = CancellationToken.$current.withValue(cancelled) {
      store.labelRanks(.user, space: space)
    }
    // (Compared as Bools: a failure would otherwise print 24,000 ranks.)
    let partialIsTruth = partial == truth
    let keptInMemory = store.knownLabelRanks(.user, space: space) != nil
    let keptOnDisk = Engine(data: data).store.knownLabelRanks(.user, space: space) != nil
    #expect(!partialIsTruth)
    #expect(!keptInMemory)
    #expect(!keptOnDisk)

    // Uncancelled, the real order is made, kept, and read back by a fresh engine.
    let made = store.labelRanks(.user, space: space) == truth
    let kept = store.knownLabelRanks(.user, space: space) == truth
    let fresh = Engine(data: try DataLoader.load(folder: dir, cache: .use)).store
    let freshSpace = fresh.space(.user, tiers: .standard)
    let readBack = fresh.knownLabelRanks(.user, space: freshSpace) == truth
    #expect(made)
    #expect(kept)
    #expect(readBack)
  }
}

/// Rows handed from the thread that ran a query to the test, under a lock.
private final class LockedRows: Sendable {
  private let rows = Mutex<[[Value]]?>(nil)
  func set(_ value: [[Value]]?) { rows.withLock { $0 = value } }
  func get() -> [[Value]]? { rows.withLock { $0 } }
}
