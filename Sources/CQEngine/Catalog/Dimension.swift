import CQLanguage
import CQStorage

/// The fact tables metrics are computed from.
public enum Fact: String, Sendable, Hashable, CaseIterable {
  case tracking = "tracking_data"
  case posts
  case payouts
  case influencers

  /// How an analyst reads the fact's name.
  var noun: String {
    switch self {
    case .tracking: "tracking rows (orders)"
    case .posts: "posts"
    case .payouts: "payouts"
    case .influencers: "influencers"
    }
  }
}

/// A dimension of SPEC §3.
public enum Dimension: String, Sendable, Hashable, CaseIterable {
  case influencer
  case influencerID = "influencer_id"
  case category, gender, platform, tier
  case campaign, brand, product, source, user, basis, status
  case postPlatform = "post_platform"
  case day, week, month, quarter, year, weekday

  /// A time dimension whose values are periods one after another (not `weekday`).
  var isPeriod: Bool { timeGrain != nil && self != .weekday }

  /// The time grain, for time dimensions.
  public var timeGrain: TimeGrain? {
    switch self {
    case .day: .day
    case .week: .week
    case .month: .month
    case .quarter: .quarter
    case .year: .year
    case .weekday: .weekday
    default: nil
    }
  }

  /// Attributes of the influencer (reachable from every fact through influencer_id).
  var isInfluencerAttribute: Bool {
    switch self {
    case .influencer, .influencerID, .category, .gender, .platform, .tier: true
    default: false
    }
  }

  /// One line for `show dimensions` and `describe`.
  public var summary: String {
    switch self {
    case .influencer: "the influencer, labelled by name (name (#id) when two share a name)"
    case .influencerID: "the influencer's id, as in the files"
    case .category: "the influencer's category (influencers.category)"
    case .gender: "the influencer's gender"
    case .platform: "the influencer's platform (influencers.platform)"
    case .tier: "follower tier from follower_count: nano, micro, mid, macro, mega (set tiers)"
    case .campaign:
      "the campaign of an order (tracking_data), a payout or a post, where the file has it"
    case .brand: "the brand of the product ordered"
    case .product: "the product ordered"
    case .source: "the traffic source of an order (instagram.com, google, direct ...)"
    case .user: "the customer (tracking_data.user_id)"
    case .basis: "how a payout was agreed: post, order, commission, hybrid"
    case .status: "whether a payout is paid or pending"
    case .postPlatform: "the platform a post went out on (posts.platform)"
    case .day: "the date, labelled 2025-06-01 (in conditions 'date' means day)"
    case .week: "the ISO week (Monday start), labelled by its Monday 2025-06-02"
    case .month: "the month, labelled 2025-06"
    case .quarter: "the quarter, labelled 2025-Q2"
    case .year: "the year, labelled 2025"
    case .weekday: "the day of the week, Mon ... Sun"
    }
  }

  /// Resolves a name as typed: case-insensitive, plurals, `date`, `user_id`.
  public static func named(_ text: String) -> Dimension? {
    let key = text.lowercased()
    if let d = Dimension(rawValue: key) { return d }
    return aliases[key]
  }

  static let aliases: [String: Dimension] = {
    var a: [String: Dimension] = [
      "date": .day, "user_id": .user, "categories": .category, "statuses": .status,
      "bases": .basis, "days": .day, "influencer_ids": .influencerID, "dates": .day,
      "users": .user, "post_platforms": .postPlatform, "name": .influencer,
    ]
    for d in Dimension.allCases where a[d.rawValue + "s"] == nil { a[d.rawValue + "s"] = d }
    return a
  }()
}

/// Follower tiers (SPEC §3): names and the lower bounds between them.
public struct Tiers: Sendable, Hashable {
  /// The tier names, smallest first.
  public var names: [String]
  /// `thresholds[i]` is the first follower count of tier `i + 1`; count = names.count - 1.
  public var thresholds: [Int64]

  /// SPEC §3's tiers: nano, micro, mid, macro and mega.
  public static let standard = Tiers(
    names: ["nano", "micro", "mid", "macro", "mega"],
    thresholds: [10_000, 50_000, 500_000, 1_000_000])

  /// Tiers called `names`, with the lower bounds `thresholds` between them.
  public init(names: [String], thresholds: [Int64]) {
    self.names = names
    self.thresholds = thresholds
  }

  func tier(of followers: Int64) -> Int32 {
    var t: Int32 = 0
    for th in thresholds where followers >= th { t += 1 }
    return t
  }

  /// "nano < 10k ≤ micro < 50k ≤ mid < 500k ≤ macro < 1M ≤ mega".
  public var description: String {
    var parts: [String] = []
    for (i, n) in names.enumerated() {
      parts.append(n)
      if i < thresholds.count { parts.append("< \(Tiers.short(thresholds[i])) ≤") }
    }
    return parts.joined(separator: " ")
  }

  static func short(_ v: Int64) -> String {
    if v >= 1_000_000, v % 100_000 == 0 {
      let m = Double(v) / 1_000_000
      return m == m.rounded() ? "\(Int64(m))M" : "\(m)M"
    }
    if v >= 1_000, v % 100 == 0 {
      let k = Double(v) / 1_000
      return k == k.rounded() ? "\(Int64(k))k" : "\(k)k"
    }
    return String(v)
  }

  /// Parses `set tiers` values: four increasing counts such as `10k 50k 2L 1M` (cq's number
  /// grammar, `NumberLiteral`), or `default`.
  public static func parse(_ text: String) -> Tiers? {
    let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map { String($0) }
    if words.count == 1, words[0].lowercased() == "default" { return .standard }
    var values: [Int64] = []
    for w in words {
      guard let d = NumberLiteral.value(of: w), d >= 0, d < 1e15 else { return nil }
      values.append(Int64(d.rounded()))
    }
    guard values.count == 4, zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) else {
      return nil
    }
    return Tiers(names: Tiers.standard.names, thresholds: values)
  }
}
