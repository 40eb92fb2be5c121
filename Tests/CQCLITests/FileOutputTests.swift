import CQTestSupport
import Foundation
import Testing

/// `> FILE`, `>> FILE`, `--output`, atomic and failed writes, `last`, colour (SPEC §5).
@Suite struct FileOutputTests {
  @Test func explainExplainSQLAndExplainPlanWriteToTheFileNamed() throws {
    let dir = try ScratchFolder()
    let run = try cq(
      [
        "-c", "explain revenue by brand > plan.txt", "-c",
        "explain sql revenue by brand > query.sql",
        "-c", "explain sql revenue by brand", "-c",
        "explain plan revenue by brand where platform=Instagram > logical.txt",
      ], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try dir.read("plan.txt").hasPrefix("revenue = sum(revenue)"))
    let logical = try dir.read("logical.txt")
    #expect(logical.hasPrefix("Sort: revenue desc (default)"), "\(logical)")
    #expect(logical.contains("Aggregate tracking_data by brand: revenue = sum(revenue)"))
    #expect(logical.contains("Filter: platform in ('Instagram')"))
    #expect(!run.stdout.contains("Aggregate tracking_data"))
    let sql = try dir.read("query.sql")
    #expect(sql.contains("GROUP BY") && sql.hasSuffix(";\n"))
    // Only the statement without a file printed its SQL.
    #expect(
      run.stdout.components(separatedBy: "GROUP BY").count
        == sql.components(separatedBy: "GROUP BY").count)
    #expect(!run.stdout.contains("revenue = sum(revenue)"))
  }

  @Test func redirectsPickTheFormatFromTheExtensionAndAppendWithoutRepeatingTheHeader() throws {
    let dir = try ScratchFolder()
    let existing = "brand,revenue\nEarlier,1.00\n"
    try dir.write(existing, to: "existing.csv")
    let q = "revenue by brand"
    let run = try cq(
      [
        "-c", "set format csv", "-c", q,
        "-c", "\(q) > out.csv", "-c", "\(q) >> out.csv",
        "-c", "\(q) >> existing.csv", "-c", "\(q) >> fresh.csv",
        "-c", "\(q) > out.json", "-c", "\(q) > out.tsv", "-c", "\(q) > out.ndjson", "-c",
        "\(q) > out.md",
        "-c", "set format json", "-c", q,
      ], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(!run.stderr.contains("error"))

    // Standard output: only the two results that were not redirected.
    let jsonStart = try #require(run.stdout.range(of: "[\n"))
    let reference = String(run.stdout[..<jsonStart.lowerBound])
    let stdoutJSON = String(run.stdout[jsonStart.lowerBound...])
    let ref = try Delimited(reference)
    #expect(ref.header == ["brand", "revenue"])
    #expect(ref.rows.count >= 3)
    let refRows = reference.drop { $0 != "\n" }.dropFirst()  // without the header line

    #expect(
      try dir.read("out.csv") == reference + refRows, "'>>' onto a CSV does not repeat the header")
    #expect(try dir.read("existing.csv") == existing + refRows, "appending keeps what was there")
    #expect(try dir.read("fresh.csv") == reference, "'>>' to a new file writes the header")
    #expect(try dir.read("out.json") == stdoutJSON)
    #expect(parseDelimited(try dir.read("out.tsv"), separator: "\t") == parseDelimited(reference))
    let nd = try parseNDJSON(dir.read("out.ndjson"))
    #expect(nd.map { $0["brand"] as? String } == ref.rows.map { $0[0] })
    #expect(
      jsonNumberTexts(try dir.read("out.ndjson")).map { $0["revenue"] } == ref.rows.map { $0[1] })
    // A Markdown file is a document: the statement (it has no caption), then its table.
    let md = try dir.read("out.md")
    #expect(md.hasPrefix("`\(q)`\n\n| brand"), "\(md)")
    #expect(lines(md).filter { $0.hasPrefix("|") }.count == ref.rows.count + 2)
    for row in ref.rows {
      #expect(md.contains(tableMoney(row[1])), "markdown is human text: \(row)")
    }
    let json = try parseJSONArray(stdoutJSON)
    #expect(json.map { $0["brand"] as? String } == ref.rows.map { $0[0] })
    #expect(jsonNumberTexts(stdoutJSON).map { $0["revenue"] } == ref.rows.map { $0[1] })
  }

  /// `>>` onto a CSV or TSV with other columns starts a block with its own header, so no row
  /// lands under another result's column names; the same columns append rows only.
  @Test func appendingOtherColumnsRepeatsTheHeader() throws {
    let dir = try ScratchFolder()
    let run = try cq(
      [
        "-c", "revenue by brand > a.csv", "-c", "revenue, orders by campaign >> a.csv",
        "-c", "revenue, orders by campaign >> a.csv",
        "-c", "orders by platform > b.tsv", "-c", "revenue by platform >> b.tsv",
      ], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    let brand = try cq(["--format", "csv", "-c", "revenue by brand"]).stdout
    let campaign = try cq(["--format", "csv", "-c", "revenue, orders by campaign"]).stdout
    let campaignRows = campaign.drop { $0 != "\n" }.dropFirst()
    #expect(try dir.read("a.csv") == brand + "\n" + campaign + campaignRows)
    let orders = try cq(["--format", "tsv", "-c", "orders by platform"]).stdout
    let revenue = try cq(["--format", "tsv", "-c", "revenue by platform"]).stdout
    #expect(try dir.read("b.tsv") == orders + "\n" + revenue)

    // Markdown tables appended to a file stay two tables: a blank line keeps them apart.
    let md = try cq(
      ["-c", "revenue by brand > c.md", "-c", "orders by platform >> c.md"], in: dir.url)
    #expect(md.status == 0, "\(md.stderr)")
    let brandMD = try cq(["--format", "markdown", "-c", "revenue by brand"]).stdout
    let platformMD = try cq(["--format", "markdown", "-c", "orders by platform"]).stdout
    let trimmed = { (t: String) in
      String(t.drop { $0 == "\n" }.reversed().drop { $0 == "\n" }.reversed())
    }
    let both = try dir.read("c.md")
    #expect(both == trimmed(brandMD) + "\n\n" + trimmed(platformMD) + "\n", "\(both)")
    #expect(both.contains("|\n\n`orders by platform`\n\n|"), "\(both)")
  }

  /// A chart sent to a file a program reads (.csv, .json) writes the data it draws; a .txt file
  /// gets the drawing.
  @Test func aChartIntoADataFileWritesItsData() throws {
    let dir = try ScratchFolder()
    let run = try cq(
      [
        "-c", "revenue by month chart bar > m.csv", "-c", "revenue by month chart line > m.json",
        "-c", "revenue by month chart bar > m.txt",
      ], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      try dir.read("m.csv") == (try cq(["--format", "csv", "-c", "revenue by month"]).stdout))
    #expect(
      try dir.read("m.json") == (try cq(["--format", "json", "-c", "revenue by month"]).stdout))
    #expect(run.stderr.contains("note: 'm.csv' gets the chart's data as csv"), "\(run.stderr)")
    let drawing = try dir.read("m.txt")
    #expect(drawing.contains("█") && drawing.contains("2025-05"), "\(drawing)")
  }

  /// Two results sent to one JSON file make one array, not two documents back to back.
  @Test func appendedAndRepeatedJSONOutputStaysOneDocument() throws {
    let dir = try ScratchFolder()
    let run = try cq(
      [
        "-c", "revenue by brand > a.json", "-c", "orders by platform >> a.json", "--output",
        "b.json",
        "-c", "revenue by brand", "-c", "orders by platform",
      ], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    for name in ["a.json", "b.json"] {
      let rows =
        try JSONSerialization.jsonObject(with: Data(try dir.read(name).utf8)) as? [[String: Any]]
      let brands = rows?.filter { $0["brand"] != nil }.count ?? 0
      let platforms = rows?.filter { $0["platform"] != nil }.count ?? 0
      #expect(brands >= 3 && platforms >= 2, "\(name): \(rows?.count ?? -1) rows")
    }
  }

  @Test func outputOptionWritesTheResultToAFile() throws {
    let dir = try ScratchFolder()
    let reference = try cq(["--format", "csv", "-c", "revenue by brand"])
    let once = try cq(["--output", "result.csv", "-c", "revenue by brand"], in: dir.url)
    #expect(once.status == 0)
    #expect(once.stdout == "", "results go to the file")
    #expect(try dir.read("result.csv") == reference.stdout)

    let again = try cq(["--output", "result.csv", "-c", "revenue by brand"], in: dir.url)
    #expect(again.status == 0)
    let rerun = try dir.read("result.csv")
    do {
      #expect(rerun == reference.stdout)
    }

    let two = try cq(
      ["--output", "two.csv", "-c", "revenue by brand", "-c", "orders by platform"], in: dir.url)
    #expect(two.status == 0)
    let text = try dir.read("two.csv")
    #expect(text.hasPrefix(reference.stdout))
    do {
      #expect(text.contains("platform,orders\n"), "\(text)")
    }
  }

  @Test func failedWritesExitFourAndLoseNothing() throws {
    let dir = try ScratchFolder()
    try dir.write("not a folder\n", to: "blocker")
    try dir.write("keep\n", to: "keep.csv")
    try dir.write("inside\n", to: "adir.csv/inner")
    let single = try cq(["-c", "revenue by brand > blocker/out.csv"], in: dir.url)
    #expect(single.status == 4)
    #expect(single.stdout == "")
    let first = lines(single.stderr).first ?? ""
    #expect(
      first.hasPrefix("-c:1:1: error: ") && first.contains("blocker/out.csv"), "\(single.stderr)")

    try dir.write(
      """
      revenue by brand > adir.csv
      bogus_metric by brand > keep.csv
      orders by brand >> blocker/out.csv

      """, to: "io.cq")
    let script = try cq(["--continue", "run", "io.cq"], in: dir.url)
    #expect(script.status == 4, "the first error's status")
    for line in 1...3 {
      #expect(script.stderr.contains("io.cq:\(line):1: error: "), "line \(line): \(script.stderr)")
    }
    #expect(try dir.read("keep.csv") == "keep\n")
    #expect(try dir.read("adir.csv/inner") == "inside\n")
    #expect(try dir.read("blocker") == "not a folder\n")
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(left == ["adir.csv", "blocker", "io.cq", "keep.csv"], "no temporary files left behind")

    let option = try cq(["--output", "blocker/out.csv", "-c", "revenue by brand"], in: dir.url)
    #expect(option.status == 4)
    #expect(option.stderr.contains("blocker/out.csv"))
  }

  @Test func lastReshowsChartsAndSavesThePreviousResult() throws {
    let dir = try ScratchFolder()
    let run = try cq(
      [
        "-c", "revenue by brand", "-c", "last", "-c", "last chart bar", "-c", "last > last.csv",
        "-c", "set format csv", "-c", "last",
      ], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    let tables = boxTables(run.stdout)
    try #require(tables.count == 2)
    #expect(tables[0] == tables[1])
    let csvStart = try #require(run.stdout.range(of: "brand,revenue\n"))
    let csv = String(run.stdout[csvStart.lowerBound...])
    #expect(try dir.read("last.csv") == csv)
    let ref = try Delimited(csv)
    #expect(ref.rows.map { $0[0] } == tables[0].dropFirst().map { $0[0] })
    // The chart between the second table and the CSV: a bar per brand with its value.
    let tableEnd = try #require(
      run.stdout.range(
        of: "┘\n", options: .backwards, range: run.stdout.startIndex..<csvStart.lowerBound))
    let chart = run.stdout[tableEnd.upperBound..<csvStart.lowerBound]
    for row in ref.rows {
      let line = chart.split(separator: "\n").first { $0.hasPrefix(row[0]) }
      #expect(line?.contains(tableMoney(row[1])) == true, "bar of \(row[0]) in:\n\(chart)")
      #expect(line?.contains("█") == true)
    }
  }

  @Test func noEscapeCodesOnPipesAndColorOptionIsChecked() throws {
    let run = try cq([
      "--continue", "-c", "revenue by brand", "-c", "bogus_metric by brand", "-c", "last chart bar",
    ])
    #expect(run.status == 3)
    #expect(!run.stdout.isEmpty && !run.stderr.isEmpty)
    #expect(!run.stdout.contains("\u{1B}"))
    #expect(!run.stderr.contains("\u{1B}"))

    let never = try cq(
      ["--color", "never", "-c", "revenue by brand"], environment: ["NO_COLOR": "1"])
    #expect(never.status == 0)
    #expect(!never.stdout.contains("\u{1B}"))

    let bad = try cq(["--color", "sometimes", "-c", "revenue by brand"])
    #expect(bad.status != 0)
    #expect(bad.stdout == "")
    #expect(bad.stderr.contains("'sometimes'"))
  }
}
