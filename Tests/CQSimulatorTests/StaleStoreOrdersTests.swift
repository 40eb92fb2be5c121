import CQSimulator
import CQTestSupport
import Foundation
import Testing

/// A folder simulated again without `--store-orders` must not keep an earlier run's baseline.
@Suite struct StaleStoreOrdersTests {
  @Test func simulatingWithoutStoreOrdersRemovesAnEarlierRunsFile() throws {
    let out = temporaryFolder("stale")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let first = try runCQ(["simulate", "--seed", "1", "--store-orders", "--out", out])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(FileManager.default.fileExists(atPath: out + "/store_orders.csv"))

    let second = try runCQ(["simulate", "--seed", "2", "--out", out])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out + "/store_orders.csv"))
    #expect(
      second.stderr.contains(
        "note: removed store_orders.csv left by an earlier --store-orders run"), "\(second.stderr)")

    let again = try runCQ(["simulate", "--seed", "2", "--out", out])
    #expect(again.status == 0)
    #expect(!again.stderr.contains("note:"), "nothing to remove the second time")
  }

  @Test func theSummaryListsTheRemovedFile() throws {
    let out = temporaryFolder("stale-api")
    defer { try? FileManager.default.removeItem(atPath: out) }
    _ = try Simulator.write(SimulatorOptions(seed: 3, storeOrders: true), to: out, progress: nil)
    let summary = try Simulator.write(SimulatorOptions(seed: 3), to: out, progress: nil)
    #expect(summary.removed == ["store_orders.csv"])
    #expect(summary.rows(of: "store_orders") == nil)
    let kept = try Simulator.write(
      SimulatorOptions(seed: 3, storeOrders: true), to: out, progress: nil)
    #expect(kept.removed.isEmpty)
    #expect(FileManager.default.fileExists(atPath: out + "/store_orders.csv"))
  }
}
