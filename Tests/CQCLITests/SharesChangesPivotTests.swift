import Foundation
import Testing

/// SPEC §10: `share(METRIC)`, `change(METRIC)` and `across`, through the real binary, checked
/// against the plain queries they are made of.
@Suite struct SharesChangesPivotTests {
  private func csv(_ statements: String...) throws -> [[String]] {
    var args = ["--format", "csv"]
    for s in statements { args += ["-c", s] }
    let run = try cq(args)
    #expect(run.status == 0, "\(run.stderr)")
    return run.stdout.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
  }

  @Test func shareIsTheRowOverTheColumnTotal() throws {
    let rows = try csv("revenue, share(revenue) by brand")
    let total = try #require(Double(try csv("revenue")[1][0]))
    #expect(rows[0] == ["brand", "revenue", "share(revenue)"])
    var sum = 0.0
    for row in rows.dropFirst() {
      let revenue = try #require(Double(row[1]))
      let share = try #require(Double(row[2]))
      #expect(abs(share - revenue / total) < 1e-12, "\(row)")
      sum += share
    }
    #expect(abs(sum - 1) < 1e-9)
    // (other) and totals are ratio-correct: the rest of the total, and the rows shown.
    let other = try csv("revenue, share(revenue) by brand limit 1 with other")
    #expect(abs((Double(other[1][2]) ?? 0) + (Double(other[2][2]) ?? 0) - 1) < 1e-9, "\(other)")
    let refused = try cq(["-c", "share(roas) by brand"])
    #expect(
      refused.status == 3 && refused.stderr.contains("share takes a metric that adds up"),
      "\(refused.stderr)")
  }

  @Test func changeIsAgainstThePreviousPeriodUnderTheSameFilters() throws {
    let rows = try csv("revenue, change(revenue) by month where brand=Gritzo")
    #expect(rows[0] == ["month", "revenue", "change(revenue)"])
    #expect(rows[1][2] == "", "the first month has nothing before it")
    for i in 2..<rows.count {
      let now = try #require(Double(rows[i][1]))
      let before = try #require(Double(rows[i - 1][1]))
      let change = try #require(Double(rows[i][2]))
      #expect(abs(change - (now / before - 1)) < 1e-12, "\(rows[i])")
    }
    let table = try cq(["-c", "change(revenue) by month"])
    #expect(
      table.stdout.contains(
        "partial months: 2025-04 and 2025-07 (the data runs from 2025-04-23 to 2025-07-22)"),
      "\(table.stdout)")
    let noTime = try cq(["-c", "change(revenue) by brand"])
    #expect(
      noTime.status == 3 && noTime.stderr.contains("group by a time dimension"), "\(noTime.stderr)")
  }

  @Test func acrossLaysOutTheValuesAsColumns() throws {
    let pivot = try csv("orders by gender across category")
    let long = try csv("orders by gender, category")
    let categories = Array(Set(long.dropFirst().map { $0[1] })).sorted()
    #expect(pivot[0] == ["gender"] + categories, "\(pivot[0])")
    for row in long.dropFirst() {
      let line = try #require(pivot.first { $0[0] == row[0] }, "\(row)")
      let column = try #require(pivot[0].firstIndex(of: row[1]))
      #expect(line[column] == row[2], "\(row)")
    }
    let two = try csv("revenue, orders by brand across platform")
    #expect(
      two[0].contains("revenue: Instagram") && two[0].contains("orders: Instagram"), "\(two[0])")
    // Columns in the order rows of that dimension take: Campaign_2 before Campaign_10.
    let campaigns = try csv("orders by source across campaign")[0]
    #expect(campaigns == ["source"] + (1...10).map { "Campaign_\($0)" }, "\(campaigns)")
    let weekdays = try csv("revenue by brand across weekday")
    #expect(weekdays[0] == ["brand", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
    let refused = try cq(["-c", "top 3 brand by revenue across platform"])
    #expect(
      refused.status == 3 && refused.stderr.contains("cannot be combined"), "\(refused.stderr)")
  }

  @Test func functionsWorkInOrderByAndHaving() throws {
    let ordered = try csv("revenue by brand order by share(revenue)")
    let values = ordered.dropFirst().compactMap { Double($0[1]) }
    #expect(values == values.sorted(), "\(ordered)")
    let kept = try csv("revenue, share(revenue) by brand having share(revenue) > 0.3")
    #expect(
      kept.dropFirst().allSatisfy { (Double($0[2]) ?? 0) > 0.3 } && kept.count >= 2, "\(kept)")
    let nested = try cq(["-c", "share(share(revenue))"])
    #expect(
      nested.status == 2
        && nested.stderr.contains("share() takes a metric name, e.g. share(revenue)"),
      "\(nested.stderr)")
  }
}
