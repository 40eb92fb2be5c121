import CQEngine
import CQLanguage
import CQSimulator
import CQStorage
import Foundation
import Testing

/// `lift_revenue` and `iroas` (SPEC §4): difference-in-differences on store_orders.
///
/// Fixture `lift` is worked out by hand. Store revenue per brand-day (₹):
///
///     day   01   02   03   04   05   06
///     C    100  200  100  200  150  100   never promoted
///     A    200  400  200  400  400  250   campaign CA from 01-05 (A = 2 × C before)
///     B    300  600  300  600  450  390   campaign CB from 01-06 (B = 3 × C before)
///
/// A on 05: controls B and C (B not yet promoted), ratio 1200 / 2400 = ½, counterfactual
/// ½ × 600 = 300, lift 100. A on 06: B is promoted, controls C, ratio 2, counterfactual 200,
/// lift 50. B on 06: controls C, ratio 2250 / 750 = 3, counterfactual 300, lift 90. Residuals
/// are zero, so intervals have no width.
///
/// Posts: Asha CA 05, Vikram CA 05, Vikram CA 06, Asha CB 06. Exposure of A: on 05 Asha 1,
/// Vikram 1; on 06 Asha ½, Vikram ½ + 1. So Asha gets 50 + 50 × ¼ + 90 (B) = 152.50 and
/// Vikram 50 + 50 × ¾ = 87.50.
@Suite("Engine: lift_revenue and iroas")
struct LiftTests {
  static func paise(_ rupees: Double) -> Value { .paise(Int64((rupees * 100).rounded())) }

  @Test func handWorkedLiftByEveryDimension() throws {
    let h = try Harness("lift")
    let cases: [(String, [[String]: Double])] = [
      ("lift_revenue", [[]: 240]),
      ("lift_revenue by brand", [["A"]: 150, ["B"]: 90]),
      ("lift_revenue by influencer", [["Asha Rao"]: 152.5, ["Vikram Nair"]: 87.5]),
      ("lift_revenue by campaign", [["CA"]: 150, ["CB"]: 90]),
      ("lift_revenue by day", [["2025-01-05"]: 100, ["2025-01-06"]: 140]),
      ("lift_revenue by category", [["Fitness"]: 152.5, ["Health"]: 87.5]),
      ("lift_revenue by post_platform", [["Instagram"]: 152.5, ["YouTube"]: 87.5]),
      (
        "lift_revenue by brand, influencer",
        [["A", "Asha Rao"]: 62.5, ["A", "Vikram Nair"]: 87.5, ["B", "Asha Rao"]: 90]
      ),
      ("lift_revenue by influencer where brand=A", [["Asha Rao"]: 62.5, ["Vikram Nair"]: 87.5]),
      (
        "lift_revenue by influencer where date=2025-01-06",
        [["Asha Rao"]: 102.5, ["Vikram Nair"]: 37.5]
      ),
      ("lift_revenue by brand where tier=mid", [["A"]: 87.5]),
    ]
    for (query, expected) in cases {
      let result = try h.run(query)
      #expect(result.columns.map(\.name).last == "lift_revenue", "\(query)")
      #expect(Set(result.byLabels.keys) == Set(expected.keys), "\(query): \(result.byLabels.keys)")
      for (labels, rupees) in expected {
        #expect(result.cell(labels, "lift_revenue") == Self.paise(rupees), "\(query) \(labels)")
      }
    }
  }

  @Test func intervalsHaveNoWidthWithoutResidualNoise() throws {
    let result = try Harness("lift").run(
      "lift_revenue_low, lift_revenue, lift_revenue_high by brand")
    for (brand, rupees) in [("A", 150.0), ("B", 90.0)] {
      for column in ["lift_revenue_low", "lift_revenue", "lift_revenue_high"] {
        #expect(result.cell([brand], column) == Self.paise(rupees), "\(brand) \(column)")
      }
    }
    #expect(
      result.footnotes.texts.contains { $0.hasPrefix("lift_revenue: difference-in-differences") })
    // Shown as columns, the intervals are not repeated in the footer; otherwise they are.
    #expect(!result.footnotes.texts.contains { $0.hasPrefix("95% intervals") })
    let plain = try Harness("lift").run("lift_revenue by brand")
    #expect(plain.footnotes.texts.contains("  A: ₹150.00 – ₹150.00"), "\(plain.footnotes.texts)")
    #expect(!plain.footnotes.texts.contains { $0.contains("pre-trend check failed") })
  }

  @Test func iroasDividesByPayoutAtTheSameGrain() throws {
    let h = try Harness("lift")
    // Payouts: Asha CA ₹100, Asha CB ₹50, Vikram CA ₹75. By brand, payout follows the
    // tracking rows (CA sells only A, CB only B).
    let cases: [(String, [[String]: Double])] = [
      ("iroas by campaign", [["CA"]: 150.0 / 175, ["CB"]: 90.0 / 50]),
      ("iroas by influencer", [["Asha Rao"]: 152.5 / 150, ["Vikram Nair"]: 87.5 / 75]),
      ("iroas by brand", [["A"]: 150.0 / 175, ["B"]: 90.0 / 50]),
      ("iroas", [[]: 240.0 / 225]),
    ]
    for (query, expected) in cases {
      let result = try h.run(query)
      for (labels, ratio) in expected {
        guard case .number(let v)? = result.cell(labels, "iroas") else {
          Issue.record("\(query) \(labels): \(String(describing: result.cell(labels, "iroas")))")
          continue
        }
        #expect(abs(v - ratio) < 1e-12, "\(query) \(labels): \(v) vs \(ratio)")
      }
    }
  }

  @Test func totalsAndOtherAddUp() throws {
    let h = try Harness("lift", totals: true)
    let result = try h.run("lift_revenue by influencer")
    #expect(result.totals?.last == Self.paise(240))
    let top = try h.run("top 1 influencer by lift_revenue with other")
    #expect(top.rows.first?.last == Self.paise(152.5))
    #expect(top.rows.last?.first == .text("(other)"))
    #expect(top.rows.last?.last == Self.paise(87.5))
  }

  @Test func preTrendFailureIsReported() throws {
    // A rises against C before its first post: 100, 112, 118, 130 against 100 a day.
    let h = try Harness("lift-trend")
    let result = try h.run("lift_revenue_low, lift_revenue, lift_revenue_high")
    // Ratio 460 / 400 = 1.15, counterfactual 115 on 01-05, actual 200: lift 85. Residuals
    // −0.1304, −0.0261, 0.0261, 0.1304: s² = 0.011796; variance s² × 115² × (1 + ¼);
    // t(3) = 3.182: margin ₹44.43.
    #expect(result.rows.first == [Self.paise(40.57), Self.paise(85), Self.paise(129.43)])
    #expect(
      result.footnotes.texts.contains {
        $0.hasPrefix(
          "pre-trend check failed for A: before its first post its revenue drifted +8.35%/day")
      }, "\(result.footnotes.texts)")
    let explain = try h.engine.explain(
      Self.query("lift_revenue by brand"), source: "lift_revenue by brand"
    ).text
    #expect(explain.contains("pre-trend FAILS (slope +8.35%/day, t = 11.31)"), "\(explain)")
  }

  @Test func machineFormatsGetTheMethodAsNotes() throws {
    let h = try Harness("lift")
    let outcome = try h.engine.run(
      Self.query("lift_revenue by brand"), source: "lift_revenue by brand")
    #expect(
      outcome.notes.first?.text.hasPrefix("lift_revenue: difference-in-differences on store_orders")
        == true)
    #expect(outcome.notes.texts.contains { $0.contains("lift_revenue_low, lift_revenue_high") })
    let plain = try h.engine.run(Self.query("revenue by brand"), source: "revenue by brand")
    #expect(plain.notes.isEmpty)
  }

  @Test func describeAndShowStateTheMethod() throws {
    let h = try Harness("lift")
    let name = NameRef(text: "lift_revenue", range: Self.someRange)
    let text = try h.engine.describe(name, source: "describe lift_revenue").text
    #expect(text.contains("from:    store_orders + posts"))
    #expect(
      text.contains("A: first post 2025-01-05, 4 days before; controls then B, C (ratio 0.50)"),
      "\(text)")
    #expect(text.contains("brand=A  lift_revenue=₹150.00"), "\(text)")
    let metrics = h.engine.show(.metrics).rows.map { $0.first }
    #expect(metrics.contains(.text("iroas")) && metrics.contains(.text("lift_revenue")))
  }

  @Test func withoutStoreOrdersTheMetricsAreAbsentAndSaySo() throws {
    let h = try Harness("small")
    #expect(!h.engine.catalog.names.contains("lift_revenue"))
    for text in ["lift_revenue by brand", "iroas", "lift_revenue_low"] {
      let messages = h.modelError(text).joined(separator: "\n")
      #expect(messages.contains("needs store_orders.csv"), "\(messages)")
      #expect(
        messages.contains("date, user_id, product, brand, orders, revenue, source"), "\(messages)")
    }
  }

  @Test(arguments: [
    ("lift_revenue by product", "'product'"), ("iroas where source=google", "'source'"),
    ("lift_revenue by user", "'user'"), ("iroas by basis", "'basis'"),
  ])
  func unreachableDimensionsSayWhatWorks(text: String, dimension: String) throws {
    let messages = try Harness("lift").modelError(text).joined(separator: "\n")
    #expect(messages.contains("cannot be split or filtered by \(dimension)"), "\(messages)")
    #expect(messages.contains("answers by: influencer, influencer_id, category"), "\(messages)")
  }

  /// The simulator's store_orders carry a known lift, which the model recovers.
  ///
  /// The lift is 1.2 × tracked revenue per brand-day (₹0.35 halo, ₹0.15 would have sold
  /// anyway). Over several seeds the true lift of each brand lies in its 95% interval nearly
  /// always, and the estimates are not biased.
  @Test func recoversTheSimulatedLift() throws {
    // First posts: MuscleBlaze 2025-04-23, HKVitals 2025-04-30, Gritzo 2025-05-07 (the campaign
    // schedule); cross-brand sales before those are not part of the brand's lift.
    let onsets = ["MuscleBlaze": "2025-04-23", "HKVitals": "2025-04-30", "Gritzo": "2025-05-07"]
    var inside = 0
    var cases = 0
    var relativeErrors: [Double] = []
    for seed in [1, 2, 3, 4] as [UInt64] {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "cq-lift-\(seed)-\(UUID().uuidString)"
      ).path
      defer { try? FileManager.default.removeItem(atPath: dir) }
      _ = try Simulator.write(
        SimulatorOptions(seed: seed, scale: 1, storeOrders: true), to: dir, progress: nil)
      let engine = Engine(data: try DataLoader.load(folder: dir))
      let text = "lift_revenue_low, lift_revenue, lift_revenue_high by brand"
      let result = try engine.run(Self.query(text), source: text).result
      for (brand, onset) in onsets {
        let revenueText = "revenue where brand=\(brand) and date >= \(onset)"
        let tracked = try engine.run(Self.query(revenueText), source: revenueText).result.rows
          .first?.first
        guard case .paise(let t)? = tracked,
          let row = result.rows.first(where: { $0.first == .text(brand) }),
          case .paise(let low) = row[1], case .paise(let estimate) = row[2],
          case .paise(let high) = row[3]
        else {
          Issue.record("seed \(seed) \(brand): no estimate in \(result.rows)")
          continue
        }
        let truth = Double(t) * Simulator.trueLiftPerTrackedRupee
        cases += 1
        if Double(low) <= truth, truth <= Double(high) { inside += 1 }
        relativeErrors.append((Double(estimate) - truth) / truth)
        #expect(
          abs(Double(estimate) - truth) / truth < 0.06,
          "seed \(seed) \(brand): \(estimate) vs \(truth)")
      }
    }
    #expect(cases == 12)
    #expect(inside >= 10, "truth inside the 95% interval in \(inside) of \(cases)")
    let bias = relativeErrors.reduce(0, +) / Double(max(relativeErrors.count, 1))
    #expect(abs(bias) < 0.015, "mean relative error \(bias)")
  }

  static let someRange: SourceRange = {
    let start = CQLanguage.SourceLocation(line: 1, column: 1, offset: 0)
    return start..<start
  }()

  static func query(_ text: String) throws -> QueryStmt {
    let (statements, diagnostics) = Parser.parse(text)
    guard diagnostics.isEmpty, let first = statements.first, case .query(let q) = first.stmt else {
      throw HarnessError(description: "'\(text)' did not parse")
    }
    return q
  }
}
