import CQEngine
import CQStorage
import Testing

/// SPEC §3 time grains: each fact's own date; labels day `2025-06-01`, week its ISO Monday,
/// month `2025-06`, quarter `2025-Q2`, year `2025`, weekday `Mon`…`Sun` (from Monday);
/// time dimensions sort ascending by default.
@Suite("Engine: time grains")
struct TimeGrainTests {
  static let grains = ["day", "week", "month", "quarter", "year"]

  @Test(
    arguments: grains,
    [
      "revenue", "orders, conversions", "posts, reach", "payout",
      "revenue, posts, payout, roas, cpm",
      "new_customers, incremental_revenue",
    ])
  func grain(grain: String, metrics: String) throws {
    let h = try Harness()
    let result = try h.run("\(metrics) by \(grain)")
    #expect(result.columns.first?.name == grain)
    #expect(result.columns.first?.isTime == true)
    let names = result.columns.dropFirst().map(\.name)
    let expected = h.reference.expect(names, by: [grain])
    expectRows(result, expected, "\(metrics) by \(grain)")
    // Ascending in time, (unattributed) last.
    let labels = result.labelRows.map { $0[0] }
    let dated = labels.filter { $0 != "(unattributed)" }
    #expect(dated == dated.sorted(), "\(metrics) by \(grain): \(labels)")
    if labels.contains("(unattributed)") { #expect(labels.last == "(unattributed)") }
  }

  /// ISO weeks across the 2024/2025 boundary: Tuesday 2024-12-31 and Sunday 2025-01-05 both
  /// belong to the week of Monday 2024-12-30; Monday 2025-01-06 starts the next one.
  @Test func isoWeeksAcrossTheYearBoundary() throws {
    let h = try Harness()
    let result = try h.run("revenue, posts by week")
    #expect(result.labelRows == [["2024-12-30"], ["2025-01-06"], ["2025-02-10"]])
    let rows = h.reference.tracking
    let firstWeek = rows.filter { ("2024-12-30"..."2025-01-05").contains($0.fields["date"] ?? "") }
      .reduce(Int64(0)) { $0 + ($1.int["revenue"] ?? 0) }
    #expect(result.cell(["2024-12-30"], "revenue") == .paise(firstWeek))
    // Posts of 2024-12-30 (Mon), 2025-01-02 (Thu), 2025-01-05 (Sun).
    #expect(result.cell(["2024-12-30"], "posts") == .integer(3))
  }

  @Test func labels() throws {
    let h = try Harness()
    #expect(try h.run("revenue by month").labelRows == [["2024-12"], ["2025-01"], ["2025-02"]])
    #expect(try h.run("revenue by quarter").labelRows == [["2024-Q4"], ["2025-Q1"]])
    #expect(try h.run("revenue by year").labelRows == [["2024"], ["2025"]])
    #expect(try h.run("posts by day").labelRows.first == ["2024-12-30"])
  }

  /// Each fact reads its own date: posts of 2024-12-30 and revenue of 2024-12-31 land on
  /// different days but the same week and month.
  @Test func eachFactReadsItsOwnDate() throws {
    let h = try Harness()
    let byDay = try h.run("revenue, posts by day where date <= 2024-12-31")
    #expect(byDay.cell(["2024-12-30"], "posts") == .integer(1))
    #expect(byDay.cell(["2024-12-30"], "revenue") == .paise(0))
    #expect(byDay.cell(["2024-12-31"], "revenue") == .paise(1000_00))
    #expect(byDay.cell(["2024-12-31"], "posts") == .integer(0))
  }

  /// Order by a time dimension descending, and a time dimension after another dimension.
  @Test func explicitTimeOrder() throws {
    let h = try Harness()
    #expect(
      try h.run("revenue by month order by month desc").labelRows == [
        ["2025-02"], ["2025-01"], ["2024-12"],
      ])
    let mixed = try h.run("revenue by campaign, month")
    let months = mixed.labelRows.map { $0[1] }
    #expect(
      months == months.sorted(), "time dimensions first in the default order: \(mixed.labelRows)")
    expectRows(
      mixed, h.reference.expect(["revenue"], by: ["campaign", "month"]),
      "revenue by campaign, month")
  }
}

/// Queries by and filtered on `weekday`.
///
/// `weekday` traps the engine: `Store.space` sizes the weekday space as
/// weekday(last day) − weekday(first day) + 1 (here Thu − Mon + 1 = 4), so Fri/Sat/Sun codes
/// index past it. The queries run in a child process first so the trap cannot kill the run.
@Suite("Engine: weekday")
struct WeekdayTests {
  static let bug =
    "weekday space is sized by the weekdays of the first and last dates, not 7: Fri/Sat/Sun trap"

  @Test(arguments: ["revenue, orders by weekday", "posts, reach by weekday", "payout by weekday"])
  func byWeekday(text: String) async throws {
    let h = try Harness()
    let result = try h.run(text)
    let names = result.columns.dropFirst().map(\.name)
    expectRows(result, h.reference.expect(names, by: ["weekday"]), text)
    let labels = result.labelRows.map { $0[0] }.filter { $0 != "(unattributed)" }
    let order = Reference.weekdays
    #expect(
      labels == labels.sorted { (order.firstIndex(of: $0) ?? 9) < (order.firstIndex(of: $1) ?? 9) },
      "Mon first: \(labels)")
  }

  @Test(arguments: [
    ("revenue, posts where weekday = Sun", ["Sun"]),
    ("revenue, posts where weekday in (Mon, Tue)", ["Mon", "Tue"]),
    ("revenue, posts where weekday = Fri", ["Fri"]),
  ])
  func whereWeekday(text: String, days: [String]) async throws {
    let h = try Harness()
    let filter = RefFilter(["weekday"]) { days.contains($0["weekday"] ?? "") }
    expectRows(try h.run(text), h.reference.expect(["revenue", "posts"], where: filter), text)
  }
}
