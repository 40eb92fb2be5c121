import CQTestSupport
import Foundation
import Testing

/// The same results in every format carry the same numbers (SPEC §5).
@Suite struct OutputFormatTests {
  static let money = "revenue, payout, roas by brand"
  static let rates = "engagement_rate, reach by platform"
  static let moneyHeader = ["brand", "revenue", "payout", "roas"]
  static let ratesHeader = ["platform", "engagement_rate", "reach"]

  func run(_ format: String) throws -> CQRun {
    let run = try cq(["--format", format, "-c", Self.money, "-c", Self.rates])
    #expect(run.status == 0, "\(format): \(run.stderr)")
    #expect(run.stderr == "", "\(format): standard error carries only notes and warnings")
    #expect(!run.stdout.contains("\u{1B}"), "\(format): no escape codes on a pipe")
    return run
  }

  /// Splits concatenated JSON arrays (one per statement) at lines that are exactly `[`.
  func jsonDocuments(_ text: String) -> [String] {
    var docs: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line == "[" || docs.isEmpty { docs.append("") }
      docs[docs.count - 1] += line + "\n"
    }
    return docs.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
  }

  /// `--ascii` prints plain ASCII: explain, describe, show settings and tables spell cq's marks
  /// (₹, ÷, ≤, –) in ASCII.
  @Test func asciiProseAndTablesArePlainASCII() throws {
    let run = try cq([
      "--ascii", "-c", "explain roas by brand", "-c", "show settings", "-c", "describe tier", "-c",
      "roas by tier",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.unicodeScalars.allSatisfy { $0.isASCII }, "\(run.stdout)")
    #expect(run.stdout.contains("ROAS = Rs "), "\(run.stdout)")
    // explain and describe write money in the chosen currency, as tables do.
    let euro = try cq([
      "-c", "set currency €", "-c", "explain roas by brand", "-c", "describe payout",
    ])
    #expect(euro.status == 0, "\(euro.stderr)")
    #expect(euro.stdout.contains("ROAS = €") && !euro.stdout.contains("₹"), "\(euro.stdout)")
  }

  @Test func csvTsvJsonNdjsonMarkdownAndTableAgree() throws {
    // CSV is the reference; check it against the raw files first.
    let csvRun = try run("csv")
    let csvText = csvBlocks(
      csvRun.stdout,
      headers: [Self.moneyHeader, Self.ratesHeader].map { $0.joined(separator: ",") })
    try #require(csvText.count == 2, "\(csvRun.stdout)")
    let money = try Delimited(csvText[0])
    let rates = try Delimited(csvText[1])
    #expect(money.header == Self.moneyHeader)
    #expect(rates.header == Self.ratesHeader)

    let data = TestPaths.bundledData
    let rawRevenue = try sums(
      ofCSV: data.appendingPathComponent("tracking_data.csv"), by: "brand", of: "revenue")
    let rawPayout = try sums(
      ofCSV: data.appendingPathComponent("payouts.csv"), by: "basis", of: "total_payout"
    )
    .values.reduce(0, +)
    var payoutTotal: Decimal = 0
    for row in money.rows {
      let brand = row[0]
      let revenue = try #require(Decimal(string: row[1]))
      let payout = try #require(Decimal(string: row[2]))
      payoutTotal += payout
      #expect(
        revenue == rawRevenue[brand] ?? 0, "revenue of \(brand) is the sum of its tracking rows")
      for field in row[1...2] {
        #expect(
          field.wholeMatch(of: /-?[0-9]+\.[0-9]{2}/) != nil,
          "money as plain rupees with 2 decimals: \(field)")
      }
      let roas = try #require(Double(row[3]), "roas \(row[3])")
      let ratio = (revenue as NSDecimalNumber).doubleValue / (payout as NSDecimalNumber).doubleValue
      #expect(abs(roas - ratio) <= 1e-12 * max(1, ratio), "roas of \(brand) = revenue / payout")
    }
    #expect(Set(rawRevenue.keys).isSubset(of: Set(try money.column("brand"))))
    #expect(payoutTotal == rawPayout, "allocated payouts add up to the paisa")
    for er in try rates.column("engagement_rate") {
      let v = try #require(Double(er))
      #expect(v > 0 && v < 1, "a rate is a plain fraction: \(er)")
    }
    for text in [csvRun.stdout] {
      #expect(!text.contains("₹") && !text.contains("%"))
    }

    // TSV: the same records.
    let tsvRun = try run("tsv")
    let tsvRecords = parseDelimited(tsvRun.stdout, separator: "\t")
    let csvRecords = parseDelimited(csvRun.stdout)
    #expect(tsvRecords == csvRecords)

    // JSON: arrays of objects, keys in column order, raw numbers equal to the CSV text's.
    let jsonRun = try run("json")
    let docs = jsonDocuments(jsonRun.stdout)
    try #require(docs.count == 2, "\(jsonRun.stdout)")
    for (doc, table) in zip(docs, [money, rates]) {
      let objects = try parseJSONArray(doc)
      let texts = jsonNumberTexts(doc)
      try #require(objects.count == table.rows.count && texts.count == table.rows.count)
      for ((object, numbers), row) in zip(zip(objects, texts), table.rows) {
        #expect(object[table.header[0]] as? String == row[0])
        for (name, field) in zip(table.header.dropFirst(), row.dropFirst()) {
          #expect(number(object[name]) != nil, "\(name) of \(row[0]) is a JSON number")
          #expect(numbers[name] == field, "\(name) of \(row[0]): json vs csv")
        }
      }
      // Keys appear in column order in the text.
      let firstLine = try #require(doc.split(separator: "\n").dropFirst().first.map(String.init))
      let positions = table.header.compactMap { firstLine.range(of: "\"\($0)\":")?.lowerBound }
      #expect(
        positions.count == table.header.count && positions == positions.sorted(), "\(firstLine)")
    }

    // NDJSON: one object per row, same values.
    let ndRun = try run("ndjson")
    let nd = try parseNDJSON(ndRun.stdout)
    let ndTexts = jsonNumberTexts(ndRun.stdout)
    try #require(nd.count == money.rows.count + rates.rows.count && ndTexts.count == nd.count)
    for ((object, numbers), row) in zip(zip(nd, ndTexts), money.rows + rates.rows) {
      let header = object["brand"] != nil ? money.header : rates.header
      #expect(object[header[0]] as? String == row[0])
      for (name, field) in zip(header.dropFirst(), row.dropFirst()) {
        #expect(numbers[name] == field, "\(name) of \(row[0]): ndjson vs csv")
      }
    }

    // The human table: ₹ with separators, roas as 1.97x, rates as %.
    let tableRun = try run("table")
    let tables = boxTables(tableRun.stdout)
    try #require(tables.count == 2, "\(tableRun.stdout)")
    #expect(tables[0].first == Self.moneyHeader)
    #expect(tables[1].first == Self.ratesHeader)
    try checkHuman(
      Array(tables[0].dropFirst()), money: money, rates: rates, second: Array(tables[1].dropFirst())
    )

    // Markdown: the same human cells between pipes.
    let mdRun = try run("markdown")
    let mdRows = lines(mdRun.stdout).filter {
      $0.hasPrefix("|") && !$0.hasPrefix("|:") && !$0.hasPrefix("|-")
    }
    .map {
      $0.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
        .map { $0.trimmingCharacters(in: .whitespaces) }
    }
    try #require(mdRows.count == money.rows.count + rates.rows.count + 2, "\(mdRun.stdout)")
    #expect(mdRows[0] == Self.moneyHeader)
    #expect(mdRows[money.rows.count + 1] == Self.ratesHeader)
    try checkHuman(
      Array(mdRows[1...money.rows.count]), money: money, rates: rates,
      second: Array(mdRows[(money.rows.count + 2)...]))
    do {
      // Each result is a block: its statement, a blank line, its table, a blank line.
      #expect(mdRun.stdout.contains("|\n\n`"), "\(mdRun.stdout)")
    }
  }

  func checkHuman(_ first: [[String]], money: Delimited, rates: Delimited, second: [[String]])
    throws
  {
    try #require(first.count == money.rows.count && second.count == rates.rows.count)
    for (cells, row) in zip(first, money.rows) {
      #expect(cells[0] == row[0])
      #expect(cells[1] == tableMoney(row[1]), "revenue of \(row[0])")
      #expect(cells[2] == tableMoney(row[2]), "payout of \(row[0])")
      let roas = try #require(Double(row[3]))
      #expect(cells[3] == String(format: "%.2fx", roas), "roas of \(row[0])")
    }
    for (cells, row) in zip(second, rates.rows) {
      #expect(cells[0] == row[0])
      let er = try #require(Double(row[1]))
      #expect(cells[1] == String(format: "%.2f%%", er * 100), "engagement_rate of \(row[0])")
      // Counts get thousands separators and no currency symbol.
      #expect(cells[2] == String(tableMoney(row[2]).dropFirst()), "reach of \(row[0])")
    }
  }

  @Test func emptyValueIsEmptyNullAndDash() throws {
    // Bilal has no orders, so his aov (revenue / orders) has no value.
    let dir = try ScratchFolder()
    let tiny = try TinyData.write(into: dir, name: "tiny")
    let statement = "orders, posts, aov, roas by influencer"
    let csv = try cq(["--format", "csv", "-c", statement], data: tiny.path)
    #expect(csv.status == 0, "\(csv.stderr)")
    let table = try Delimited(csv.stdout)
    #expect(table.header == ["influencer", "orders", "posts", "aov", "roas"])
    let bilal = try #require(table.rows.first { $0[0] == "Bilal" })
    #expect(bilal[1] == "0" && bilal[3] == "", "\(bilal)")
    let asha = try #require(table.rows.first { $0[0] == "Asha" })
    #expect(asha[1] == "3")
    #expect(
      Decimal(string: asha[4]) == TinyData.revenueAsha / TinyData.payoutAsha, "roas 4.9975 in full")

    let json = try cq(["--format", "json", "-c", statement], data: tiny.path)
    let objects = try parseJSONArray(json.stdout)
    let bilalJSON = try #require(objects.first { $0["influencer"] as? String == "Bilal" })
    #expect(bilalJSON["aov"] is NSNull)

    let human = try cq(["-c", statement], data: tiny.path)
    let rows = try #require(boxTables(human.stdout).first)
    #expect(rows.first { $0.first == "Bilal" }?[3] == "–")
  }

  @Test func columnsAreDimensionsAsWrittenThenMetrics() throws {
    let run = try cq([
      "--format", "csv", "-c", "top 10 influencer by revenue", "-c",
      "orders, revenue by platform, brand",
      "-c", "revenue, orders by brand, platform",
    ])
    #expect(run.status == 0)
    let blocks = csvBlocks(
      run.stdout,
      headers: [
        "influencer,revenue", "platform,brand,orders,revenue", "brand,platform,revenue,orders",
      ])
    try #require(blocks.count == 3, "\(run.stdout)")
    let top = try Delimited(blocks[0])
    #expect(top.rows.count == 10)
    let revenues = try top.column("revenue").compactMap { Decimal(string: $0) }
    #expect(
      revenues.count == 10 && revenues == revenues.sorted(by: >), "top N is by revenue, descending")
    #expect(try Delimited(blocks[1]).header == ["platform", "brand", "orders", "revenue"])
    #expect(try Delimited(blocks[2]).header == ["brand", "platform", "revenue", "orders"])
  }

  @Test func pipedTablesAreNeverCut() throws {
    // 'revenue by influencer' has hundreds of rows: more than a terminal shows.
    let run = try cq([
      "-c", "revenue by influencer", "-c", "set format csv", "-c", "revenue by influencer",
    ])
    #expect(run.status == 0)
    let tables = boxTables(run.stdout)
    try #require(tables.count == 1)
    let csvStart = try #require(run.stdout.range(of: "influencer,revenue\n"))
    let csv = try Delimited(String(run.stdout[csvStart.lowerBound...]))
    #expect(csv.rows.count > 100)
    #expect(tables[0].count - 1 == csv.rows.count, "every row reaches the pipe")
    #expect(tables[0].dropFirst().map { $0[0] } == csv.rows.map { $0[0] })
  }
}
