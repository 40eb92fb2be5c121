import Foundation

/// A naive reference implementation of SPEC §3–§4, written from the raw CSV rows.
///
/// Every expected number in these tests comes from here (or from arithmetic written in the
/// test itself), never from cq's output. It favours obviousness over speed: each fact row is a
/// dictionary of dimension labels, and sums are plain loops.
struct Reference: Sendable {
  /// Payouts spread weights (SPEC §4 `set allocation`).
  enum Weight: Sendable { case orders, revenue }

  /// One fact row: labels per dimension it carries, plus the raw fields needed for measures.
  struct Row: Sendable {
    var labels: [String: String]
    var influencerID: String
    var fields: [String: String]
    var int: [String: Int64]
  }

  static let tierNames = ["nano", "micro", "mid", "macro", "mega"]
  static let defaultTiers: [Int64] = [10_000, 50_000, 500_000, 1_000_000]
  static let timeDimensions = ["day", "week", "month", "quarter", "year", "weekday"]
  static let attributeDimensions = [
    "influencer", "influencer_id", "category", "gender", "platform", "tier",
  ]
  static let allDimensions =
    attributeDimensions + [
      "campaign", "brand", "product", "source", "user", "basis", "status", "post_platform",
    ]
    + timeDimensions
  static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

  var influencers: [[String: String]]
  var trackingRaw: [[String: String]]
  var postsRaw: [[String: String]]
  var payoutsRaw: [[String: String]]
  var payoutColumns: Set<String>
  var postColumns: Set<String>

  var tiers: [Int64] = Reference.defaultTiers
  var weight: Weight = .orders

  init(folder: String) throws {
    func load(_ name: String) throws -> [[String: String]] {
      try TinyCSV.table(at: (folder as NSString).appendingPathComponent(name))
    }
    influencers = try load("influencers.csv")
    trackingRaw = try load("tracking_data.csv")
    postsRaw = try load("posts.csv")
    payoutsRaw = try load("payouts.csv")
    let header = { (name: String) throws -> Set<String> in
      let text = try String(
        contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
      return Set(
        (TinyCSV.records(text).first ?? []).map {
          $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
    }
    payoutColumns = try header("payouts.csv")
    postColumns = try header("posts.csv")
  }

  // MARK: - Labels

  var knownIDs: [String] { influencers.compactMap { $0["id"] } }

  func influencer(_ id: String) -> [String: String]? { influencers.first { $0["id"] == id } }

  func followers(_ id: String) -> Int64 {
    influencer(id).flatMap { Int64($0["follower_count"] ?? "") } ?? 0
  }

  /// SPEC §3 tier of a follower count under the thresholds in force.
  func tier(_ followers: Int64) -> String {
    Reference.tierNames[tiers.filter { followers >= $0 }.count]
  }

  /// Influencer attribute labels; unknown ids get `(unknown #id)` / `(unknown)` (choice: SPEC silent).
  func attributeLabels(_ id: String) -> [String: String] {
    guard let inf = influencer(id) else {
      return [
        "influencer": "(unknown #\(id))", "influencer_id": id, "category": "(unknown)",
        "gender": "(unknown)",
        "platform": "(unknown)", "tier": "(unknown)",
      ]
    }
    let name = inf["name"] ?? ""
    let sameName = influencers.filter { $0["name"] == name }.count
    return [
      "influencer": sameName > 1 ? "\(name) (#\(id))" : name,
      "influencer_id": id,
      "category": inf["category"] ?? "",
      "gender": inf["gender"] ?? "",
      "platform": inf["platform"] ?? "",
      "tier": tier(Int64(inf["follower_count"] ?? "") ?? 0),
    ]
  }

  /// Time labels of an ISO date for every grain, computed with Foundation's calendar.
  static func timeLabels(_ iso: String) -> [String: String] {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let parts = iso.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3,
      let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    else { return [:] }
    let weekdayIndex = (calendar.component(.weekday, from: date) + 5) % 7  // Mon = 0
    let monday = calendar.date(byAdding: .day, value: -weekdayIndex, to: date) ?? date
    let m = calendar.dateComponents([.year, .month, .day], from: monday)
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return [
      "day": iso,
      "week": "\(m.year ?? 0)-\(two(m.month ?? 0))-\(two(m.day ?? 0))",
      "month": "\(parts[0])-\(two(parts[1]))",
      "quarter": "\(parts[0])-Q\((parts[1] - 1) / 3 + 1)",
      "year": "\(parts[0])",
      "weekday": weekdays[weekdayIndex],
    ]
  }

  var tracking: [Row] {
    trackingRaw.map { r in
      let id = r["influencer_id"] ?? ""
      var labels = attributeLabels(id).merging(Reference.timeLabels(r["date"] ?? "")) { a, _ in a }
      for d in ["campaign", "brand", "product", "source"] { labels[d] = r[d] ?? "" }
      labels["user"] = r["user_id"] ?? ""
      return Row(
        labels: labels, influencerID: id, fields: r,
        int: [
          "orders": Int64(r["orders"] ?? "") ?? 0, "revenue": TinyCSV.paise(r["revenue"] ?? ""),
        ])
    }
  }

  var posts: [Row] {
    postsRaw.map { r in
      let id = r["influencer_id"] ?? ""
      var labels = attributeLabels(id).merging(Reference.timeLabels(r["date"] ?? "")) { a, _ in a }
      labels["post_platform"] = r["platform"] ?? ""
      if postColumns.contains("campaign") { labels["campaign"] = r["campaign"] ?? "" }
      return Row(
        labels: labels, influencerID: id, fields: r,
        int: [
          "reach": Int64(r["reach"] ?? "") ?? 0, "likes": Int64(r["likes"] ?? "") ?? 0,
          "comments": Int64(r["comments"] ?? "") ?? 0,
        ])
    }
  }

  var payouts: [Row] {
    payoutsRaw.map { r in
      let id = r["influencer_id"] ?? ""
      var labels = attributeLabels(id)
      labels["basis"] = r["basis"] ?? ""
      if payoutColumns.contains("campaign") { labels["campaign"] = r["campaign"] ?? "" }
      if payoutColumns.contains("status") { labels["status"] = r["status"] ?? "" }
      return Row(
        labels: labels, influencerID: id, fields: r,
        int: [
          "orders": Int64(r["orders"] ?? "") ?? 0, "total": TinyCSV.paise(r["total_payout"] ?? ""),
        ])
    }
  }

  /// Dimensions each fact's own rows carry (SPEC §1, §3).
  var payoutDimensions: Set<String> {
    var s = Set(Reference.attributeDimensions + ["basis"])
    if payoutColumns.contains("campaign") { s.insert("campaign") }
    if payoutColumns.contains("status") { s.insert("status") }
    return s
  }
  static let trackingDimensions = Set(
    attributeDimensions + ["campaign", "brand", "product", "source", "user"] + timeDimensions)
  var postDimensions: Set<String> {
    var s = Set(Reference.attributeDimensions + ["post_platform"] + Reference.timeDimensions)
    if postColumns.contains("campaign") { s.insert("campaign") }
    return s
  }

  // MARK: - Allocation

  /// Whether a tracking row belongs to a payout's allocation key (influencer, and campaign when
  /// payouts have the column).
  func sameKey(_ payout: Row, _ track: Row) -> Bool {
    guard payout.influencerID == track.influencerID else { return false }
    if payoutColumns.contains("campaign") {
      return payout.fields["campaign"] == track.fields["campaign"]
    }
    return true
  }

  /// Largest-remainder split of `total` paise in proportion to `weights`; ties → earlier row.
  ///
  /// All-zero weights split equally (choice: SPEC silent).
  static func spread(_ total: Int64, weights: [Int64]) -> [Int64] {
    var w = weights
    if w.reduce(0, +) == 0 { w = w.map { _ in 1 } }
    let sum = w.reduce(0, +)
    var shares = w.map { total * $0 / sum }
    let remainders = w.map { total * $0 % sum }
    let left = total - shares.reduce(0, +)
    let order = w.indices.sorted {
      remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1
    }
    for i in 0..<Int(left) { shares[order[i]] += 1 }
    return shares
  }

  /// Payout pieces: each payout spread over its key's tracking rows (labels of the row, with
  /// the payout's own basis/status), or one `(unattributed)` piece when the key has no rows.
  func payoutPieces() -> [(labels: [String: String], paise: Int64, unattributed: Bool)] {
    let rows = tracking
    var pieces: [(labels: [String: String], paise: Int64, unattributed: Bool)] = []
    var covered = Set<Int>()
    for p in payouts {
      let idx = rows.indices.filter { sameKey(p, rows[$0]) }
      if idx.isEmpty {
        var labels = p.labels
        for d in Reference.allDimensions where !payoutDimensions.contains(d) {
          labels[d] = "(unattributed)"
        }
        pieces.append((labels, p.int["total"] ?? 0, true))
        continue
      }
      let weights = idx.map { rows[$0].int[weight == .orders ? "orders" : "revenue"] ?? 0 }
      let shares = Reference.spread(p.int["total"] ?? 0, weights: weights)
      for (k, r) in idx.enumerated() {
        covered.insert(r)
        pieces.append(
          (rows[r].labels.merging(p.labels) { _, payoutLabel in payoutLabel }, shares[k], false))
      }
    }
    // Tracking rows no payout reaches carry a zero share (they still form groups).
    for r in rows.indices where !covered.contains(r) { pieces.append((rows[r].labels, 0, false)) }
    return pieces
  }
}
