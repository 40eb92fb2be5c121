import CQSimulator
import Foundation
import Testing

/// `cq simulate --store-orders`: store_orders.csv holds every tracked order plus an organic
/// baseline with a pre-period and never-promoted brands; the other files do not change.
@Suite struct StoreOrdersTests {
  static func write(seed: UInt64, storeOrders: Bool) throws -> String {
    let folder = temporaryFolder("store-\(seed)-\(storeOrders)")
    _ = try Simulator.write(
      SimulatorOptions(seed: seed, scale: 1, storeOrders: storeOrders), to: folder, progress: nil)
    return folder
  }

  @Test func sameSeedSameBytesAndTheOtherFilesUnchanged() throws {
    let a = try Self.write(seed: 11, storeOrders: true)
    let b = try Self.write(seed: 11, storeOrders: true)
    let c = try Self.write(seed: 12, storeOrders: true)
    let plain = try Self.write(seed: 11, storeOrders: false)
    #expect(try bytes(a, "store_orders.csv") == bytes(b, "store_orders.csv"))
    #expect(try bytes(a, "store_orders.csv") != bytes(c, "store_orders.csv"))
    for file in simulatorFiles {
      #expect(try bytes(a, file) == bytes(plain, file), "\(file) changes with --store-orders")
    }
    #expect(!FileManager.default.fileExists(atPath: plain + "/store_orders.csv"))
  }

  @Test func holdsEveryTrackedOrderAPreperiodAndControlBrands() throws {
    let folder = try Self.write(seed: 20_250_423, storeOrders: true)
    let store = try CSVFile(path: folder + "/store_orders.csv")
    let tracking = try CSVFile(path: folder + "/tracking_data.csv")
    #expect(store.header == ["date", "user_id", "product", "brand", "orders", "revenue", "source"])
    // Every tracking row, as (date, user, product, brand, orders, revenue, source).
    func key(_ r: [String], _ h: [String]) -> String {
      ["date", "user_id", "product", "brand", "orders", "revenue", "source"]
        .map { r[h.firstIndex(of: $0)!] }.joined(separator: "|")
    }
    var storeKeys: [String: Int] = [:]
    for r in store.records { storeKeys[key(r, store.header), default: 0] += 1 }
    var missing = 0
    for r in tracking.records {
      let k = key(r, tracking.header)
      if let n = storeKeys[k], n > 0 { storeKeys[k] = n - 1 } else { missing += 1 }
    }
    #expect(missing == 0)
    let dates = store.records.map { $0[0] }
    #expect(dates.min() == "2025-02-26")
    #expect(dates.max() == "2025-07-22")
    let brands = Set(store.records.map { $0[3] })
    #expect(brands == ["MuscleBlaze", "HKVitals", "Gritzo", "TrueBasics", "bGREEN"])
    // Revenue 20.00 ... 500.00, orders 1 ... 9, as in tracking_data.
    for r in store.records {
      guard let revenue = Double(r[5]), let orders = Int(r[4]) else {
        Issue.record("bad row \(r)")
        break
      }
      #expect(revenue >= 20 && revenue <= 500 && (1...9).contains(orders), "\(r)")
      if !(revenue >= 20 && revenue <= 500) { break }
    }
  }
}
