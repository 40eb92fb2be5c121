import CQTestSupport
import Foundation
import Testing

/// `show tables`, `schema`, `sample` and loading errors (SPEC §1, §2).
@Suite struct DataFoundationTests {
  static let tables = ["influencers", "posts", "tracking_data", "payouts"]

  @Test func showTablesSchemaAndSamplePrintAlignedTables() throws {
    let run = try cq(["-c", "show tables", "-c", "schema", "-c", "sample influencers 3"])
    #expect(run.status == 0, "\(run.stderr)")
    let tables = boxTables(run.stdout)
    try #require(tables.count == 3, "\(run.stdout)")
    // Aligned: every line of a box has the same width (`show tables` and `schema` hold only
    // one-column characters, so counting scalars measures them; the bottom line is cut off by
    // the split).
    for block in run.stdout.components(separatedBy: "┘\n").prefix(2) {
      let widths = Set(
        block.split(separator: "\n").filter {
          $0.hasPrefix("┌") || $0.hasPrefix("│") || $0.hasPrefix("├")
        }.map { $0.unicodeScalars.count })
      #expect(widths.count == 1, "ragged table:\n\(block)")
    }
    let shown = Dictionary(uniqueKeysWithValues: tables[0].dropFirst().map { ($0[0], $0[1]) })
    for name in Self.tables {
      let count = try recordCount(
        ofCSV: TestPaths.bundledData.appendingPathComponent("\(name).csv"))
      #expect(shown[name] == String(tableMoney(String(count)).dropFirst()), "rows of \(name)")
    }
    let schemaTables = Set(tables[1].dropFirst().map { $0[0] }.filter { !$0.isEmpty })
    #expect(Set(Self.tables).isSubset(of: schemaTables))
    let schemaColumns = tables[1].dropFirst().map { $0[1] }
    for column in ["follower_count", "total_payout", "revenue", "reach"] {
      #expect(schemaColumns.contains(column))
    }
    #expect(tables[2].count == 4, "header + 3 rows")
    #expect(tables[2].first == ["id", "name", "category", "gender", "follower_count", "platform"])
  }

  @Test func sampleRowsAreTheFilesFirstRecords() throws {
    let run = try cq([
      "--format", "csv", "-c", "show tables", "-c", "sample influencers 3", "-c", "sample posts",
    ])
    #expect(run.status == 0)
    let blocks = csvBlocks(
      run.stdout,
      headers: [
        "table,rows,columns", "id,name,category,gender,follower_count,platform",
        "influencer_id,platform,date,url,caption,reach,likes,comments,campaign",
      ])
    try #require(blocks.count == 3, "\(run.stdout)")
    let shown = try Delimited(blocks[0]).map("table", "rows")
    for name in Self.tables {
      let count = try recordCount(
        ofCSV: TestPaths.bundledData.appendingPathComponent("\(name).csv"))
      #expect(shown[name] == String(count), "rows of \(name)")
    }
    let influencers = parseDelimited(
      try String(
        contentsOf: TestPaths.bundledData.appendingPathComponent("influencers.csv"), encoding: .utf8
      ))
    #expect(parseDelimited(blocks[1]) == Array(influencers.prefix(4)))
    let posts = parseDelimited(
      try String(
        contentsOf: TestPaths.bundledData.appendingPathComponent("posts.csv"), encoding: .utf8))
    let sampled = parseDelimited(blocks[2])
    #expect(sampled.count > 1, "sample without N shows some rows")
    #expect(
      sampled == Array(posts.prefix(sampled.count)), "captions with commas and quotes survive")
  }

  @Test func malformedValueNamesFileLineColumnAndText() throws {
    let dir = try ScratchFolder()
    let data = try dir.copyBundledData(to: "bad")
    let file = data.appendingPathComponent("tracking_data.csv")
    var text = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
    let header = text[0].split(separator: ",").map(String.init)
    let ordersIndex = try #require(header.firstIndex(of: "orders"))
    // Physical line 6 (no quotes in tracking rows).
    var fields = text[5].components(separatedBy: ",")
    try #require(fields.count == header.count)
    fields[ordersIndex] = "seven"
    text[5] = fields.joined(separator: ",")
    try text.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

    let expected = "bad/tracking_data.csv:6: column 'orders': expected integer, found \"seven\""
    let run = try cq(["-c", "revenue by brand"], data: "bad", in: dir.url)
    #expect(run.status == 4)
    #expect(run.stdout == "")
    #expect(run.stderr.contains(expected), "\(run.stderr)")
    let piped = try cq([], stdin: "revenue by brand\n", data: "bad", in: dir.url)
    #expect(piped.status == 4)
    #expect(piped.stdout == "")
    #expect(piped.stderr.contains(expected))
  }

  @Test func missingRequiredColumnNamesFileAndColumn() throws {
    let dir = try ScratchFolder()
    let data = try dir.copyBundledData(to: "bad")
    let file = data.appendingPathComponent("influencers.csv")
    let text = try String(contentsOf: file, encoding: .utf8)
    try text.replacingOccurrences(of: "follower_count", with: "followers").write(
      to: file, atomically: true, encoding: .utf8)
    let run = try cq(["-c", "revenue by brand"], data: "bad", in: dir.url)
    #expect(run.status == 4)
    #expect(run.stdout == "")
    #expect(run.stderr.contains("bad/influencers.csv"), "\(run.stderr)")
    #expect(run.stderr.contains("'follower_count'"), "\(run.stderr)")
  }

  @Test func extraColumnIsANoteOnStandardErrorOnly() throws {
    let dir = try ScratchFolder()
    let data = try dir.copyBundledData(to: "extra")
    let file = data.appendingPathComponent("influencers.csv")
    let records = parseDelimited(try String(contentsOf: file, encoding: .utf8))
    func quoted(_ f: String) -> String {
      f.contains(where: { ",\"\n\r".contains($0) })
        ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
    }
    let text =
      records.enumerated().map { i, r in
        (r + [i == 0 ? "notes" : "x"]).map(quoted).joined(separator: ",")
      }
      .joined(separator: "\n") + "\n"
    try text.write(to: file, atomically: true, encoding: .utf8)
    let run = try cq(["--format", "csv", "-c", "influencers by platform"], data: data.path)
    #expect(run.status == 0, "\(run.stderr)")
    let table = try Delimited(run.stdout)
    #expect(table.header == ["platform", "influencers"], "standard output carries only the result")
    #expect(
      try table.column("influencers").compactMap { Int($0) }.reduce(0, +) == records.count - 1)
    #expect(run.stderr.contains("'notes'"), "\(run.stderr)")
  }
}
