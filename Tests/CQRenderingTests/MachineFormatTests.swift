import CQRendering
import CQStorage
import CQTestSupport
import Foundation
import Testing

@Suite struct MachineFormatTests {
  static let options = RenderOptions(width: 40, maxRows: 1, grouping: .indian)

  @Test(arguments: OutputFormat.allCases.filter { $0 != .table && !$0.isBinary })
  func campaigns(format: OutputFormat) {
    let text = ResultRenderer.render(Fixtures.campaigns, format: format, options: Self.options)
    assertSnapshot(text, named: "format-campaigns.\(format.rawValue)")
    // Never cut, never elided, no colour, no footnotes.
    #expect(text.contains("order_gap"))
    #expect(text.contains("(total)"))
    #expect(!text.unicodeScalars.contains("\u{1B}"))
  }

  @Test(arguments: OutputFormat.allCases.filter { $0 != .table && !$0.isBinary })
  func unicodeNames(format: OutputFormat) {
    let text = ResultRenderer.render(Fixtures.influencers, format: format, options: Self.options)
    assertSnapshot(text, named: "format-influencers.\(format.rawValue)")
    #expect(text.contains("आरव शर्मा") && text.contains("Kabir 👨‍👩‍👧 Rao"))
  }

  @Test func machineFormatsIgnoreFootnotes() {
    for format in [OutputFormat.csv, .tsv, .json, .ndjson, .markdown] {
      let text = ResultRenderer.render(
        Fixtures.tiers, format: format, options: RenderOptions(footer: "5 rows"))
      #expect(
        !text.contains("thresholds") && !text.contains("mega ≥") && !text.contains("5 rows"),
        "\(format)")
    }
  }

  @Test func csvRoundTrip() throws {
    let result = Fixtures.campaigns
    let text = ResultRenderer.render(
      result, format: .csv, options: RenderOptions(grouping: .indian))
    let records = parseCSV(text)
    #expect(records.count == result.rows.count + 1)
    #expect(records[0] == result.columns.map(\.name))
    for (r, row) in result.rows.enumerated() {
      let record = records[r + 1]
      try #require(record.count == row.count)
      for (c, value) in row.enumerated() {
        try expectField(record[c], equals: value, format: result.columns[c].format)
      }
    }
  }

  @Test func jsonRoundTrip() throws {
    let result = Fixtures.campaigns
    for format in [OutputFormat.json, .ndjson] {
      let text = ResultRenderer.render(result, format: format, options: RenderOptions())
      let objects: [[String: Any]]
      if format == .json {
        objects = try #require(
          try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
      } else {
        objects = try text.split(separator: "\n").map {
          try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
      }
      #expect(objects.count == result.rows.count)
      for (r, row) in result.rows.enumerated() {
        for (c, value) in row.enumerated() {
          let any = objects[r][result.columns[c].name]
          switch value {
          case .empty: #expect(any is NSNull)
          case .text(let s): #expect(any as? String == s)
          case .integer(let i): #expect((any as? NSNumber)?.int64Value == i)
          case .paise(let p):
            let number = try #require(any as? NSNumber)
            #expect((number.doubleValue * 100).rounded() == Double(p))
          case .number(let d):
            let number = try #require(any as? NSNumber)
            if result.columns[c].format == .money {
              #expect(abs(number.doubleValue - d) <= 0.005)
            } else {
              #expect(number.doubleValue == d)
            }
          }
        }
      }
      // Keys in column order.
      let firstLine = text.split(separator: "\n").first { $0.contains("{") } ?? ""
      let keys = result.columns.map { "\"\($0.name)\":" }
      var position = firstLine.startIndex
      for key in keys {
        let found = try #require(firstLine[position...].range(of: key))
        position = found.upperBound
      }
    }
  }

  @Test func jsonEscapes() throws {
    let result = ResultSet(
      columns: [Fixtures.dim("caption")],
      rows: [[.text("a \"quote\", back\\slash\nnew line\ttab \u{01} ✓")]])
    let text = ResultRenderer.render(result, format: .json, options: RenderOptions())
    let parsed = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]])
    #expect(parsed.first?["caption"] == "a \"quote\", back\\slash\nnew line\ttab \u{01} ✓")
    #expect(
      ResultRenderer.render(Fixtures.empty, format: .json, options: RenderOptions()) == "[]\n")
    #expect(ResultRenderer.render(Fixtures.empty, format: .ndjson, options: RenderOptions()) == "")
  }

  @Test func csvQuoting() {
    let result = ResultSet(
      columns: [Fixtures.dim("caption, \"quoted\""), Fixtures.metric("revenue", .money)],
      rows: [
        [.text("plain"), .paise(1)],
        [.text("comma, here"), .paise(-1)],
        [.text("say \"hi\""), .empty],
        [.text("two\r\nlines"), .paise(100)],
        [.text(" padded "), .paise(0)],
      ])
    let text = ResultRenderer.render(result, format: .csv, options: RenderOptions())
    let expected = [
      #""caption, ""quoted""",revenue"#,
      "plain,0.01",
      #""comma, here",-0.01"#,
      #""say ""hi""","#,
      "\"two\r\nlines\",1.00",
      #"" padded ",0.00"#,
    ]
    #expect(text == expected.joined(separator: "\n") + "\n")
    #expect(parseCSV(text)[4] == ["two\r\nlines", "1.00"])
  }

  @Test func tsvEscapes() {
    let result = ResultSet(
      columns: [Fixtures.dim("caption"), Fixtures.metric("reach", .integer)],
      rows: [[.text("tab\there\nnew \\ back"), .integer(5)]])
    let text = ResultRenderer.render(result, format: .tsv, options: RenderOptions())
    #expect(text == "caption\treach\ntab\\there\\nnew \\\\ back\t5\n")
  }

  @Test func appendWithoutHeader() {
    for format in [OutputFormat.csv, .tsv] {
      let with = ResultRenderer.render(
        Fixtures.influencers, format: format, options: RenderOptions())
      let without = ResultRenderer.render(
        Fixtures.influencers, format: format, options: RenderOptions(), includeHeader: false)
      #expect(
        with == ["influencer", "revenue", "roas"].joined(separator: format == .csv ? "," : "\t")
          + "\n" + without)
    }
  }

  @Test func markdownEscapesPipes() {
    let result = ResultSet(
      columns: [Fixtures.dim("product"), Fixtures.metric("revenue", .money)],
      rows: [[.text("Whey | Gold\nStandard"), .paise(123_456_70)]])
    let text = ResultRenderer.render(
      result, format: .markdown, options: RenderOptions(grouping: .indian))
    let expected = [
      "| product               |      revenue |",
      "|:----------------------|-------------:|",
      #"| Whey \| Gold Standard | ₹1,23,456.70 |"#,
    ]
    #expect(text == expected.joined(separator: "\n") + "\n")
  }

  @Test func formatFromExtension() {
    #expect(OutputFormat(fileExtension: "csv") == .csv)
    #expect(OutputFormat(fileExtension: ".TSV") == .tsv)
    #expect(OutputFormat(fileExtension: "jsonl") == .ndjson)
    #expect(OutputFormat(fileExtension: "ndjson") == .ndjson)
    #expect(OutputFormat(fileExtension: "json") == .json)
    #expect(OutputFormat(fileExtension: "md") == .markdown)
    #expect(OutputFormat(fileExtension: "markdown") == .markdown)
    #expect(OutputFormat(fileExtension: "txt") == .table)
    #expect(OutputFormat(fileExtension: "xlsx") == nil)
    #expect(OutputFormat(path: "out/roas.by.week.csv") == .csv)
    #expect(OutputFormat(path: "out.d/README") == nil)
    #expect(OutputFormat(path: ".csv") == nil)
  }
}

/// Checks a machine field against the cell it came from.
func expectField(
  _ field: String, equals value: Value, format: ValueFormat,
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  switch value {
  case .empty: #expect(field == "", sourceLocation: sourceLocation)
  case .text(let s): #expect(field == s, sourceLocation: sourceLocation)
  case .integer(let i): #expect(Int64(field) == i, sourceLocation: sourceLocation)
  case .paise(let p):
    // Exactly two decimals; digits equal the paise.
    let parts = field.split(separator: ".")
    try #require(
      parts.count == 2 && parts[1].count == 2, "\(field)", sourceLocation: sourceLocation)
    #expect(
      Int64(field.replacingOccurrences(of: ".", with: "")) == p, sourceLocation: sourceLocation)
  case .number(let d):
    if format == .money {
      #expect(field.split(separator: ".").last?.count == 2, sourceLocation: sourceLocation)
      #expect(abs((Double(field) ?? .nan) - d) <= 0.005, sourceLocation: sourceLocation)
    } else {
      #expect(Double(field) == d, "\(field)", sourceLocation: sourceLocation)
    }
  }
}

/// A small RFC 4180 parser: quoted fields, doubled quotes, CR/LF inside quotes.
func parseCSV(_ text: String) -> [[String]] {
  var records: [[String]] = []
  var record: [String] = []
  var field = ""
  var inQuotes = false
  var scalars = Array(text.unicodeScalars)[...]
  while let scalar = scalars.popFirst() {
    if inQuotes {
      if scalar == "\"" {
        if scalars.first == "\"" {
          field.unicodeScalars.append("\"")
          scalars.removeFirst()
        } else {
          inQuotes = false
        }
      } else {
        field.unicodeScalars.append(scalar)
      }
      continue
    }
    switch scalar {
    case "\"": inQuotes = true
    case ",":
      record.append(field)
      field = ""
    case "\n":
      record.append(field)
      records.append(record)
      record = []
      field = ""
    case "\r" where scalars.first == "\n":
      continue
    default: field.unicodeScalars.append(scalar)
    }
  }
  if !field.isEmpty || !record.isEmpty {
    record.append(field)
    records.append(record)
  }
  return records
}
