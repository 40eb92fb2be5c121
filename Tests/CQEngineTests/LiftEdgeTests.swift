import CQLanguage
import CQStorage
import Foundation
import Testing

@testable import CQEngine

/// `lift_revenue` and `iroas` on store_orders that stress the model.
///
/// The cases: no rows, no pre-period, no controls, sparse or huge date ranges, amounts beyond
/// `Int64` paise. Every folder is the hand-worked `lift` fixture (see LiftTests) with one file
/// changed.
@Suite("Engine: lift on awkward store_orders")
struct LiftEdgeTests {
  static let header = "date,user_id,product,brand,orders,revenue,source"

  /// The `lift` fixture's store_orders rows.
  static func baseRows() throws -> [String] {
    let text = try String(
      contentsOfFile: EngineFixtures.path("lift") + "/store_orders.csv", encoding: .utf8)
    return Array(text.split(separator: "\n").dropFirst().map(String.init))
  }

  /// An engine over a copy of the `lift` fixture with `files` replaced.
  static func engine(_ files: [String: String], totals: Bool = false) throws -> (Engine, String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cq-lift-edge-\(UUID().uuidString)"
    ).path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for name in [
      "influencers.csv", "payouts.csv", "posts.csv", "store_orders.csv", "tracking_data.csv",
    ] {
      try FileManager.default.copyItem(
        atPath: EngineFixtures.path("lift") + "/" + name, toPath: dir + "/" + name)
    }
    for (name, text) in files {
      try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }
    let engine = Engine(data: try DataLoader.load(folder: dir))
    engine.settings.totals = totals
    return (engine, dir)
  }

  static func storeOrders(_ rows: [String]) -> [String: String] {
    ["store_orders.csv": ([header] + rows).joined(separator: "\n") + "\n"]
  }

  static func run(_ engine: Engine, _ text: String) throws -> ResultSet {
    try engine.run(LiftTests.query(text), source: text).result
  }

  static func explain(_ engine: Engine, _ text: String) throws -> String {
    try engine.explain(LiftTests.query(text), source: text).text
  }

  @Test func headerOnlyStoreOrdersSaySoAndTotalNothing() throws {
    let (engine, dir) = try Self.engine(Self.storeOrders([]), totals: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let result = try Self.run(engine, "lift_revenue, iroas by influencer")
    #expect(result.rows.allSatisfy { $0.dropFirst().allSatisfy { $0 == .empty } }, "\(result.rows)")
    // No estimate at all: the total is empty too, not ₹0.00.
    #expect(result.totals?.dropFirst() == [.empty, .empty], "\(String(describing: result.totals))")
    #expect(
      result.footnotes.contains("store_orders.csv has no rows, so there is no lift to estimate"),
      "\(result.footnotes)")
    #expect(
      result.footnotes.contains("no lift estimate for A: store_orders.csv has no rows"),
      "\(result.footnotes)")
    // No dangling header for intervals nobody has.
    #expect(!result.footnotes.contains { $0.hasPrefix("95% interval") }, "\(result.footnotes)")
    let explain = try Self.explain(engine, "lift_revenue, iroas by brand")
    #expect(
      explain.contains("lift_revenue = – (no estimate) (95% interval –) in 2 brand groups"),
      "\(explain)")
    #expect(
      explain.contains("iroas = – (no estimate) = lift_revenue – ÷ ₹225.00 payout"), "\(explain)")
    #expect(explain.contains("store_orders (no rows)"), "\(explain)")
    let other = try Self.run(engine, "top 1 influencer by lift_revenue with other")
    #expect(other.rows.allSatisfy { $0.last == .empty }, "\(other.rows)")
  }

  @Test func storeOrdersBeforeOrAfterEveryPostGiveReasons() throws {
    let rows = try Self.baseRows()
    for (month, reasons) in [
      (
        "2024-11",
        [
          "A: its first post comes after the last store order",
          "B: its first post comes after the last store order",
        ]
      ),
      (
        "2025-03",
        [
          "A: store_orders start after its first post",
          "B: store_orders start after its first post",
        ]
      ),
    ] {
      let (engine, dir) = try Self.engine(
        Self.storeOrders(rows.map { $0.replacingOccurrences(of: "2025-01", with: month) }),
        totals: true)
      defer { try? FileManager.default.removeItem(atPath: dir) }
      for text in [
        "lift_revenue, iroas by brand", "lift_revenue by week",
        "lift_revenue by influencer where brand=A",
      ] {
        let result = try Self.run(engine, text)
        #expect(result.rows.allSatisfy { $0.last == .empty }, "\(month) \(text): \(result.rows)")
        for reason in reasons {
          #expect(
            result.footnotes.contains { $0.hasPrefix("no lift estimate for \(reason)") },
            "\(month) \(text): \(result.footnotes)")
        }
      }
    }
  }

  @Test func everyBrandPromotedTheSameDayHasNoControls() throws {
    // C (the only never-promoted brand) is gone and both campaigns start on 01-05.
    let rows = try Self.baseRows().filter { !$0.contains(",C,") }
    var files = Self.storeOrders(rows)
    let posts = try String(
      contentsOfFile: EngineFixtures.path("lift") + "/posts.csv", encoding: .utf8)
    files["posts.csv"] = posts.replacingOccurrences(
      of: "2025-01-06,https://ig.example/p/4", with: "2025-01-05,https://ig.example/p/4")
    let (engine, dir) = try Self.engine(files, totals: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let result = try Self.run(engine, "lift_revenue, iroas by brand")
    #expect(result.rows.allSatisfy { $0.dropFirst().allSatisfy { $0 == .empty } }, "\(result.rows)")
    #expect(result.totals?.dropFirst() == [.empty, .empty])
    #expect(
      result.footnotes.contains { $0.hasPrefix("no lift estimate for A: no control brand") },
      "\(result.footnotes)")
  }

  @Test func oneDayWithoutControlsIsCountedInTheSingular() throws {
    // Without C, A's controls on 01-06 are gone (B is promoted): that day is left out.
    let (engine, dir) = try Self.engine(
      Self.storeOrders(try Self.baseRows().filter { !$0.contains(",C,") }))
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let result = try Self.run(engine, "lift_revenue by brand")
    // A on 01-05 only: controls B, ratio 1200 / 1800, counterfactual 450 × ⅔ = 300, lift 100.
    #expect(result.cell(["A"], "lift_revenue") == LiftTests.paise(100))
    #expect(
      result.footnotes.contains(
        "A: 1 day with posts but no brand left unpromoted to compare with is left out"),
      "\(result.footnotes)")
  }

  @Test func controlsThatSoldOnTooFewPreDaysGiveNoEstimate() throws {
    // C sells nothing before 01-05, so B's only control has one pre-period day: its interval
    // would have no width from one residual. No estimate, and why.
    let rows = try Self.baseRows().map { row -> String in
      guard row.contains(",C,"), row < "2025-01-05" else { return row }
      var fields = row.split(separator: ",").map(String.init)
      fields[5] = "0.00"
      return fields.joined(separator: ",")
    }
    let (engine, dir) = try Self.engine(Self.storeOrders(rows))
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let result = try Self.run(engine, "lift_revenue by brand")
    #expect((result.cell(["B"], "lift_revenue") ?? .empty) == .empty, "\(result.rows)")
    #expect(
      result.footnotes.contains(
        "no lift estimate for B: its controls sold on only 1 day before its first post (3 needed)"),
      "\(result.footnotes)")
    // A's control B sold every day: A keeps its estimate (ratio ½ over B alone).
    #expect(result.cell(["A"], "lift_revenue") != .empty)
  }

  @Test func aHugeDateRangeKeepsOnlyStoreDays() throws {
    // Orders in 1900 and 2199 plus 3,000 brands that sold once in 2001: a calendar brand × day
    // panel would hold 3,000 × 109,000 cells; the store-day panel holds 3,003 × 9.
    var rows = try Self.baseRows()
    rows += ["1900-01-01,o,Tea C,C,1,5.00,direct", "2199-12-31,n,Tea C,C,1,5.00,direct"]
    rows += (0..<3000).map { "2001-01-01,x,P\($0),B\($0),1,1.00,direct" }
    let (engine, dir) = try Self.engine(Self.storeOrders(rows), totals: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let model = try #require(engine.liftModel())
    #expect(model.dayCount == 9)
    #expect(model.cells.count == model.brandCount * 9)
    for text in [
      "lift_revenue, iroas by brand", "lift_revenue by week",
      "lift_revenue by influencer where date >= 2025-01-06",
      "top 1 influencer by lift_revenue with other",
    ] {
      let result = try Self.run(engine, text)
      #expect(
        result.rows.contains { $0.contains { if case .paise = $0 { true } else { false } } },
        "\(text): \(result.rows)")
    }
    let explain = try Self.explain(engine, "lift_revenue by brand")
    #expect(explain.contains("1900-01-01 to 2199-12-31, 9 days with orders"), "\(explain)")
    // 3,001 never-promoted brands are named by the first ten.
    #expect(
      explain.contains("(never-promoted: C, B0, B1, B2, B3, B4, B5, B6, B7, B8 and 2991 more)"),
      "\(explain)")
  }

  @Test func amountsBeyondInt64PaiseDoNotTrap() throws {
    // C sells ₹9 × 10¹⁶ a day: counterfactuals and intervals pass Int64.max paise.
    let rows = try Self.baseRows().map {
      $0.contains(",C,") ? $0.replacingOccurrences(of: "100.00", with: "90000000000000000.00") : $0
    }
    let (engine, dir) = try Self.engine(Self.storeOrders(rows), totals: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for text in [
      "lift_revenue, iroas by brand", "lift_revenue_low, lift_revenue_high by influencer",
      "lift_revenue",
      "top 1 influencer by lift_revenue with other",
    ] {
      let result = try Self.run(engine, text)
      #expect(!result.footnotes.isEmpty, "\(text)")
    }
    let explain = try Self.explain(engine, "lift_revenue, iroas by brand")
    #expect(explain.contains("lift_revenue = "), "\(explain)")
    let name = NameRef(text: "lift_revenue", range: LiftTests.someRange)
    #expect(try engine.describe(name, source: "describe lift_revenue").text.contains("method:"))
  }

  @Test func aBrandOnlyTrackedIsNamedAsMissingFromStoreOrders() throws {
    // Campaign CB's top tracked brand becomes E, which store_orders never sells.
    let tracking = try String(
      contentsOfFile: EngineFixtures.path("lift") + "/tracking_data.csv", encoding: .utf8)
    let (engine, dir) = try Self.engine([
      "tracking_data.csv": tracking + "instagram.com,CB,2,u9,Gel E,E,2025-01-06,1,500.00\n"
    ])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let result = try Self.run(engine, "lift_revenue by brand")
    #expect(
      result.footnotes.contains("no lift estimate for E: it has no rows in store_orders"),
      "\(result.footnotes)")
    #expect((result.cell(["E"], "lift_revenue") ?? .empty) == .empty)
  }
}
