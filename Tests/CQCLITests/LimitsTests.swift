import CQTestSupport
import Foundation
import Testing

/// Issue 10, items 2–4, through the real binary: sums are exact or a clear error, long chains
/// and self-referring definitions are refused with a place, and thousands of mistakes cost no
/// more to report than ten.
@Suite struct LimitsTests {
  /// TinyData with one line of `file` replaced.
  private func tinyData(replacing old: String, with new: String, in file: String) throws -> (
    ScratchFolder, String
  ) {
    let folder = try ScratchFolder()
    let data = try TinyData.write(into: folder, name: "data")
    let url = data.appendingPathComponent(file)
    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(text.contains(old), "fixture changed: \(file) lacks \(old)")
    try text.replacingOccurrences(of: old, with: new).write(
      to: url, atomically: true, encoding: .utf8)
    return (folder, data.path)
  }

  // MARK: Item 2: overflow

  @Test func followerCountsThatAddPastInt64AreRefusedAtLoad() throws {
    let (folder, data) = try tinyData(
      replacing: "12000,Instagram", with: "9223372036854075807,Instagram", in: "influencers.csv")
    // With Bilal's 700,000 the total is exactly Int64.max: it fits, to the unit …
    let fits = try cq(["--format", "csv", "-c", "followers"], data: data)
    #expect(fits.status == 0, "\(fits.stderr)")
    #expect(fits.stdout == "followers\n9223372036854775807\n", "\(fits.stdout)")
    // … two do not: the load names the file and the column, exit 4, no trap.
    let url = URL(fileURLWithPath: data).appendingPathComponent("influencers.csv")
    let text = try String(contentsOf: url, encoding: .utf8)
    try text.replacingOccurrences(of: "700000,YouTube", with: "700001,YouTube")
      .write(to: url, atomically: true, encoding: .utf8)
    let run = try cq(["-c", "followers"], data: data)
    #expect(run.status == 4, "\(run.stdout)\(run.stderr)")
    #expect(
      run.stderr.contains(
        "influencers.csv: column 'follower_count': the values add up to more than 9,223,372,036,854,775,807"
      ), "\(run.stderr)")
    #expect(run.stdout.isEmpty)
    _ = folder
  }

  @Test(arguments: [
    (
      "tracking_data.csv", "400.50", "92233720368547758.07", "revenue", "₹92,233,720,368,547,758.07"
    ),
    (
      "payouts.csv", "100.00,1,paid", "92233720368547758.07,1,paid", "total_payout",
      "₹92,233,720,368,547,758.07"
    ),
    ("posts.csv", "1000,50,5", "9223372036854775807,50,5", "reach", "9,223,372,036,854,775,807"),
    (
      "tracking_data.csv", "2025-06-01,2,", "2025-06-01,9223372036854775807,", "orders",
      "9,223,372,036,854,775,807"
    ),
  ])
  func columnTotalsPastInt64AreRefused(
    file: String, old: String, new: String, column: String, limit: String
  ) throws {
    // Two rows in each file: the first raised to the limit, the second keeps its value.
    let (folder, data) = try tinyData(replacing: old, with: new, in: file)
    let run = try cq(["-c", "revenue, orders, payout, reach by campaign"], data: data)
    #expect(run.status == 4, "\(file): \(run.stdout)\(run.stderr)")
    #expect(
      run.stderr.contains("\(file): column '\(column)': the values add up to more than \(limit)"),
      "\(run.stderr)")
    #expect(!run.stdout.contains("-"), "no wrapped (negative) number is printed: \(run.stdout)")
    _ = folder
  }

  @Test func aLargeButFittingTotalIsExactToThePaisa() throws {
    // ₹46,116,860,184,273,879.03 twice plus ₹99.25 is below the limit: exact, not wrapped.
    let (folder, data) = try tinyData(
      replacing: "400.50", with: "46116860184273879.03", in: "tracking_data.csv")
    let run = try cq(["--format", "csv", "-c", "revenue"], data: data)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "revenue\n46116860184273978.28\n", "\(run.stdout)")
    _ = folder
  }

  @Test func definedMoneyBeyondTheExactRangeIsAnErrorNotFloatDigits() throws {
    let run = try cq(["-c", "define metric big = revenue * 100000000000000", "-c", "big by brand"])
    #expect(run.status == 4, "\(run.stdout)\(run.stderr)")
    #expect(run.stderr.contains("-c:2:1: error: 'big' reaches about ₹"), "\(run.stderr)")
    #expect(run.stderr.contains("beyond ₹90,071,992,547,409.92"), "\(run.stderr)")
    #expect(!run.stdout.contains("big"), "\(run.stdout)")
    // Below the range the same metric is shown.
    let small = try cq(["--format", "csv", "-c", "define metric big = revenue * 1000", "-c", "big"])
    #expect(small.status == 0, "\(small.stderr)")
    #expect(small.stdout.hasPrefix("big\n"), "\(small.stdout)")
  }

  @Test func scoreAddsLikesAndCommentsPastInt64WithoutTrapping() throws {
    // Fuzz/Regressions/csv/score-likes-plus-comments-overflow: each column fits, their sum not.
    let (folder, data) = try tinyData(
      replacing: "1000,50,5", with: "1000,9223372036854775707,5", in: "posts.csv")
    let run = try cq(
      ["--format", "csv", "-c", "top 10 influencer by score", "-c", "engagements"], data: data)
    // The score answers; engagements is refused (exit 4), which ends the batch.
    #expect(run.status == 4, "\(run.stderr)")
    #expect(run.stdout.hasPrefix("influencer,score\n"), "\(run.stdout)\(run.stderr)")
    // engagements = likes + comments leaves the integers: beyond 2^53 it is refused, not wrapped.
    #expect(run.stderr.contains("'engagements' reaches about"), "\(run.stderr)")
    _ = folder
  }

  // MARK: Item 3: long chains

  @Test(arguments: ["where", "having", "define metric", "define segment", "explain"])
  func aLongFlatChainIsASyntaxErrorNotACrash(clause: String) throws {
    let n = 13_000
    let statement: String
    switch clause {
    case "where":
      statement =
        "revenue where " + Array(repeating: "brand=MuscleBlaze", count: n).joined(separator: " or ")
    case "having":
      statement =
        "revenue by brand having "
        + Array(repeating: "revenue > 1", count: n).joined(separator: " and ")
    case "define metric":
      statement =
        "define metric m = " + Array(repeating: "revenue", count: n).joined(separator: " + ")
    case "define segment":
      statement =
        "define segment s = "
        + Array(repeating: "brand=MuscleBlaze", count: n).joined(separator: " or ")
    default:
      statement =
        "explain revenue where "
        + Array(repeating: "brand=MuscleBlaze", count: n).joined(separator: " or ")
    }
    // Longer than one command-line argument may be: run from a script.
    let folder = try ScratchFolder()
    try folder.write(statement + "\n", to: "chain.cq")
    let run = try cq(["run", folder.file("chain.cq").path])
    #expect(run.status == 2, "\(clause): \(run.stderr.prefix(300))")
    #expect(
      run.stderr.contains(
        "error: more than 1000 'and', 'or' and arithmetic operators in one statement"),
      "\(run.stderr.prefix(300))")
    #expect(run.stderr.utf8.count < 4_000, "the error quotes the statement around its mark only")
  }

  @Test func aChainAtTheLimitStillRuns() throws {
    let statement =
      "revenue where "
      + Array(repeating: "brand=MuscleBlaze", count: 1_001).joined(separator: " or ")
    let run = try cq(["--format", "csv", "-c", statement, "-c", "revenue where brand=MuscleBlaze"])
    #expect(run.status == 0, "\(run.stderr.prefix(300))")
    let lines = run.stdout.split(separator: "\n")
    #expect(lines.count == 4 && lines[1] == lines[3], "\(run.stdout)")
  }

  @Test func runOfAFileWithAHugeChainKeepsTheSession() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "revenue where "
        + Array(repeating: "brand=MuscleBlaze", count: 13_000).joined(separator: " or ") + "\n",
      to: "huge.cq")
    let stdin = """
      define metric profit2 = revenue - payout
      run \(folder.file("huge.cq").path)
      profit2

      """
    let run = try cq(["--format", "csv", "--continue"], stdin: stdin)
    #expect(run.status == 2)
    #expect(
      run.stderr.contains("more than 1000 'and', 'or' and arithmetic operators"),
      "\(run.stderr.prefix(300))")
    #expect(run.stdout.contains("profit2\n"), "the definition survives: \(run.stdout)")
  }

  @Test func definitionsThatReferToThemselvesOrDoubleAreRefused() throws {
    let selfRef = try cq(["-c", "define metric a = revenue", "-c", "define metric a = a + 1"])
    #expect(selfRef.status == 3)
    #expect(
      selfRef.stderr.contains("metric 'a' would refer to itself; give the new metric another name"),
      "\(selfRef.stderr)")
    let cycle = try cq([
      "-c", "define metric a = revenue", "-c", "define metric b = a + 1", "-c",
      "define metric a = b * 2",
    ])
    #expect(cycle.status == 3)
    #expect(
      cycle.stderr.contains("metric 'a' would refer to itself through 'b'"), "\(cycle.stderr)")
    var doubling = ["-c", "define metric m0 = revenue"]
    for k in 1...30 { doubling += ["-c", "define metric m\(k) = m\(k - 1) + m\(k - 1)"] }
    let big = try cq(doubling + ["-c", "m30"])
    #expect(big.status == 3, "\(big.stderr.prefix(400))")
    #expect(
      big.stderr.contains("metric 'm12' expands to more than 4096 terms"),
      "\(big.stderr.prefix(400))")
    var segments = ["-c", "define segment s0 = brand=MuscleBlaze"]
    for k in 1...30 { segments += ["-c", "define segment s\(k) = s\(k - 1) or s\(k - 1)"] }
    let seg = try cq(segments + ["-c", "revenue where s30"])
    #expect(seg.status == 3, "\(seg.stderr.prefix(400))")
    #expect(
      seg.stderr.contains("segment 's12' expands to more than 4096 conditions"),
      "\(seg.stderr.prefix(400))")
  }

  // MARK: Item 4: diagnostics stay linear

  @Test func thousandsOfUnknownValuesGiveTenErrorsAndACount() throws {
    let values = (0..<8_000).map { "nobrand\($0)" }.joined(separator: ", ")
    let run = try cq(["-c", "revenue where brand in (\(values))"])
    #expect(run.status == 3)
    // Ten marks (the first may be told once, on the -c:1:COL line).
    #expect(
      (10...11).contains(run.stderr.components(separatedBy: "error: no brand").count - 1),
      "\(run.stderr.prefix(800))")
    #expect(
      run.stderr.contains("note: 7990 more errors not shown; fix these first"),
      "\(run.stderr.prefix(500))")
    #expect(run.stderr.utf8.count < 10_000, "\(run.stderr.utf8.count) bytes")
  }

  @Test func thousandsOfRepeatedMetricsGiveTenErrorsAndACount() throws {
    let run = try cq([
      "-c", Array(repeating: "revenue", count: 8_000).joined(separator: ", ") + " by brand",
    ])
    #expect(run.status == 3)
    #expect(
      run.stderr.contains("note: 7989 more errors not shown; fix these first"),
      "\(run.stderr.prefix(500))")
    #expect(run.stderr.utf8.count < 10_000, "\(run.stderr.utf8.count) bytes")
  }
}

/// CSV → load → `--format csv` → load gives the same tables and the same answers (issue 10's
/// round-trip property), on the bundled data and on the hand-made folder with quoted fields.
@Suite struct RoundTripTests {
  static let tables = [
    "influencers", "posts", "tracking_data", "payouts", "products", "store_orders",
  ]
  static let questions = [
    "revenue, orders, payout, roas by campaign", "reach, likes, comments by post_platform",
    "followers by tier", "customers by brand", "payout by basis, status",
  ]

  /// Every table of `data` as cq writes it in CSV (`sample TABLE N` with N past the row count).
  private func export(_ data: String, into folder: URL) throws -> [String: String] {
    var files: [String: String] = [:]
    for table in Self.tables
    where FileManager.default.fileExists(atPath: data + "/" + table + ".csv") {
      let run = try cq(["--format", "csv", "-c", "sample \(table) 100000000"], data: data)
      #expect(run.status == 0, "\(table): \(run.stderr)")
      files[table] = run.stdout
      try run.stdout.write(
        to: folder.appendingPathComponent(table + ".csv"), atomically: true, encoding: .utf8)
    }
    return files
  }

  @Test(arguments: ["bundled", "tiny"])
  func exportedCSVLoadsBackToTheSameDataAndAnswers(source: String) throws {
    let scratch = try ScratchFolder()
    let original =
      source == "bundled"
      ? TestPaths.bundledData.path : try TinyData.write(into: scratch, name: "tiny").path
    let first = scratch.file("first")
    let second = scratch.file("second")
    for url in [first, second] {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    let once = try export(original, into: first)
    #expect(once.count >= 4)
    let twice = try export(first.path, into: second)
    for table in once.keys.sorted() {
      #expect(once[table] == twice[table], "\(table) changed on its second round trip")
    }
    for question in Self.questions {
      let a = try cq(["--format", "csv", "-c", question], data: original)
      let b = try cq(["--format", "csv", "-c", question], data: first.path)
      #expect(a.status == 0 && b.status == 0, "\(question): \(a.stderr)\(b.stderr)")
      #expect(a.stdout == b.stdout, "\(question) differs after a round trip")
    }
  }
}
