import CQTestSupport
import Foundation
import Testing

/// Seeded random statements, in memory and on PostgreSQL (and the sharded layout), byte for byte:
/// the differential suite's golden files hold the statements someone thought of; these hold the
/// combinations nobody did — metrics of several facts together, allocation under `not` and `or`,
/// payout-only dimensions beside tracking ones, `having`, `top … with other`, totals, session
/// settings — on data with every edge (the fixtures) and with many groups (the bundled data).
///
/// Every statement is printed before its result (`--echo`), so a difference names the statement.
/// `CQ_DIFF_SEEDS=1,2,3` runs other seeds; `CQ_DIFF_COUNT` other lengths.
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct RandomDifferentialTests {
  static let metrics = [
    "revenue", "orders", "conversions", "customers", "aov", "new_customers", "incremental_revenue",
    "posts",
    "reach", "likes", "comments", "engagements", "engagement_rate", "engagement_rate_followers",
    "influencers",
    "followers", "payout", "spend", "paid_payout", "pending_payout", "paid_orders", "order_gap",
    "roas", "roi",
    "incremental_roas", "roas_delta", "cac", "cpe", "cpm", "conversion_rate", "share(revenue)",
    "change(orders)",
    "share(payout)", "margin",
  ]
  static let dimensions = [
    "influencer", "influencer_id", "category", "gender", "platform", "tier", "campaign", "brand",
    "product", "source",
    "user", "basis", "status", "post_platform", "day", "week", "month", "quarter", "year",
    "weekday",
  ]
  static let conditions = [
    "brand=MuscleBlaze", "not brand=MuscleBlaze", "platform=Instagram", "platform != YouTube",
    "basis=order",
    "status=paid", "weekday in (Sat, Sun)", "brand in (Gritzo, HKVitals)", "tier in (micro, mid)",
    "category=Fitness", "source ~ insta", "date >= 2025-01-01", "month between 2025-01 and 2025-06",
    "campaign ~ 1", "influencer_id in (1, 2, 3)", "gender=Female", "post_platform=Instagram",
  ]
  static let havings = [
    "revenue > 1000", "roas > 1", "orders >= 5", "payout > 0", "posts > 1", "customers > 2",
  ]

  /// One statement of the language, drawn from `random`.
  static func statement(_ random: inout SplitMix64) -> String {
    var words: [String] = []
    let dims = (0..<random.below(3)).map { _ in random.pick(dimensions) }
    let uniqueDims = dims.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    var condition: String?
    if random.chance(55) {
      var c = random.pick(conditions)
      if random.chance(30) { c += (random.chance(50) ? " and " : " or ") + random.pick(conditions) }
      condition = c
    }
    if random.chance(20), let dim = uniqueDims.first {
      words.append(
        "\(random.chance(75) ? "top" : "bottom") \(1 + random.below(5)) \(dim) by \(random.pick(metrics))"
      )
      if let condition { words.append("where \(condition)") }
      if random.chance(50) { words.append("with other") }
      return words.joined(separator: " ")
    }
    let chosen = (0...random.below(3)).map { _ in random.pick(metrics) }
    words.append(
      chosen.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(
        separator: ", "))
    if !uniqueDims.isEmpty { words.append("by " + uniqueDims.joined(separator: ", ")) }
    if let condition { words.append("where \(condition)") }
    if !uniqueDims.isEmpty, random.chance(20) { words.append("having \(random.pick(havings))") }
    if !uniqueDims.isEmpty, random.chance(20) {
      words.append(
        "order by \(random.chance(50) ? uniqueDims[0] : chosen[0]) \(random.chance(50) ? "asc" : "desc")"
      )
    }
    if !uniqueDims.isEmpty, random.chance(15) { words.append("limit \(1 + random.below(10))") }
    return words.joined(separator: " ")
  }

  /// A script of `count` statements from `seed`, with session settings changed along the way.
  static func script(seed: UInt64, count: Int) -> String {
    var random = SplitMix64(state: seed)
    var lines = ["define metric margin = (revenue - payout) / revenue"]
    for i in 0..<count {
      if i == count / 3 { lines.append("set totals on") }
      if i == count / 2 { lines.append("set allocation revenue") }
      if i == 2 * count / 3 { lines.append("set totals off") }
      lines.append(statement(&random))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static var seeds: [UInt64] {
    let given = ProcessInfo.processInfo.environment["CQ_DIFF_SEEDS"]?.split(separator: ",")
      .compactMap {
        UInt64($0.trimmingCharacters(in: .whitespaces))
      }
    guard let given, !given.isEmpty else { return [11, 12] }
    return given
  }

  static var count: Int { Int(ProcessInfo.processInfo.environment["CQ_DIFF_COUNT"] ?? "") ?? 90 }

  /// The statements whose output differs: `--echo` starts each block with `-- STATEMENT`.
  static func blocks(_ output: String) -> [(String, String)] {
    var blocks: [(String, String)] = []
    for line in output.components(separatedBy: "\n") {
      if line.hasPrefix("-- ") {
        blocks.append((String(line.dropFirst(3)), ""))
      } else if !blocks.isEmpty {
        blocks[blocks.count - 1].1 += line + "\n"
      }
    }
    return blocks
  }

  static func compare(seed: UInt64, folder: String, databases: [(String, String)]) throws {
    let scratch = try Folder()
    let name = "random-\(seed).cq"
    try scratch.write(script(seed: seed, count: count), to: name)
    let file = scratch.url.appendingPathComponent(name).path
    let memory = try runCQ(["--continue", "--echo", "--data", folder, "run", file])
    let expected = blocks(memory.stdout)
    #expect(expected.count > count / 2, "seed \(seed): \(memory.stderr)")
    // Many statements answer (the rest are model errors, compared on standard error).
    let answered = expected.filter { !$0.1.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
      .count
    #expect(
      answered * 3 > expected.count,
      "seed \(seed): only \(answered) of \(expected.count) statements answered")
    for (label, url) in databases {
      let remote = try runCQ(["--continue", "--echo", "--engine", url, "run", file])
      #expect(
        remote.status == memory.status,
        "seed \(seed) on \(label): exit \(remote.status), in memory \(memory.status)")
      let actual = blocks(remote.stdout)
      #expect(
        actual.count == expected.count,
        "seed \(seed) on \(label): \(actual.count) statements, in memory \(expected.count)")
      for (e, a) in zip(expected, actual) where e != a {
        Issue.record(
          "seed \(seed) on \(label): '\(e.0)' differs from in memory:\n-- in memory:\n\(e.1)-- on \(label) ('\(a.0)'):\n\(a.1)"
        )
      }
      if remote.stderr != memory.stderr {
        let diff = remote.stderr.components(separatedBy: "\n").difference(
          from: memory.stderr.components(separatedBy: "\n"))
        Issue.record(
          "seed \(seed) on \(label): standard error differs:\n\(diff.prefix(12).map { "\($0)" }.joined(separator: "\n"))"
        )
      }
    }
  }

  @Test(
    "random statements on the bundled data, in memory and on both database layouts",
    arguments: seeds)
  func bundled(seed: UInt64) throws {
    let (db, urls) = try DifferentialTests.bundledDatabases()
    defer { withExtendedLifetime(db) {} }
    try Self.compare(seed: seed, folder: DifferentialTests.bundled, databases: urls)
  }

  @Test("random statements on the edge fixtures", arguments: ["small", "edge", "audit"])
  func fixture(_ name: String) throws {
    let folder = DifferentialTests.root.appendingPathComponent(
      "Tests/CQEngineTests/Fixtures/\(name)"
    ).path
    let db = try DifferentialTests.database(holding: folder)
    for seed in Self.seeds {
      try Self.compare(
        seed: seed &+ 100, folder: folder, databases: [("PostgreSQL (\(name))", db.url)])
    }
  }
}
