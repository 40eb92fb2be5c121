import Foundation

/// A `where` condition for the reference: the dimensions it mentions and a test over labels.
struct RefFilter: Sendable {
  var dimensions: Set<String>
  var test: @Sendable ([String: String]) -> Bool

  init(_ dimensions: Set<String>, _ test: @escaping @Sendable ([String: String]) -> Bool) {
    self.dimensions = dimensions
    self.test = test
  }

  /// `dim = value` (labels compare case-insensitively, SPEC §3).
  static func equal(_ dim: String, _ value: String) -> RefFilter {
    RefFilter([dim]) { $0[dim]?.lowercased() == value.lowercased() }
  }
}

/// An expected cell, in the engine's units: money exact in paise, derived money in rupees.
enum RefValue: Sendable, Equatable, CustomStringConvertible {
  case paise(Int64)
  case integer(Int64)
  case number(Double)
  case empty

  var description: String {
    switch self {
    case .paise(let p): "₹\(Double(p) / 100)"
    case .integer(let i): "\(i)"
    case .number(let d): "\(d)"
    case .empty: "–"
    }
  }

  var double: Double? {
    switch self {
    case .paise(let p): Double(p) / 100
    case .integer(let i): Double(i)
    case .number(let d): d
    case .empty: nil
    }
  }

  static func ratio(_ a: Double, _ b: Double) -> RefValue { b == 0 ? .empty : .number(a / b) }
}

/// Per-group sums of the reference: one plain accumulator per measure.
struct RefAcc: Sendable {
  var revenue: Int64 = 0, orders: Int64 = 0, conversions: Int64 = 0, newRevenue: Int64 = 0
  var users: Set<String> = [], newUsers: Set<String> = []
  var posts: Int64 = 0, reach: Int64 = 0, likes: Int64 = 0, comments: Int64 = 0,
    postFollowers: Int64 = 0
  var payout: Int64 = 0, paid: Int64 = 0, pending: Int64 = 0, paidOrders: Int64 = 0,
    orderGap: Int64 = 0
  var audience: Set<String> = []
  var followers: Int64 = 0
}

/// Which facts a metric reads (SPEC §4 table); `audience` for influencers/followers.
enum RefFact: Sendable { case tracking, posts, spend, payoutNative, audience }

extension Reference {
  static let additiveMetrics = [
    "revenue", "orders", "conversions", "posts", "reach", "likes", "comments", "payout",
  ]

  static func facts(of metric: String) -> [RefFact] {
    switch metric {
    case "revenue", "orders", "conversions", "customers", "aov", "new_customers",
      "incremental_revenue":
      [.tracking]
    case "posts", "reach", "likes", "comments", "engagements", "engagement_rate",
      "engagement_rate_followers":
      [.posts]
    case "influencers", "followers": [.audience]
    case "payout", "spend": [.spend]
    case "paid_payout", "pending_payout", "paid_orders", "order_gap": [.payoutNative]
    case "roas", "roi", "incremental_roas", "roas_delta", "cac": [.tracking, .spend]
    case "cpe", "cpm": [.posts, .spend]
    case "conversion_rate": [.tracking, .posts]
    default: []
    }
  }

  /// Whether SPEC lets `metric` be split/filtered by every dimension in `used`.
  func reachable(_ metric: String, _ used: Set<String>) -> Bool {
    if ["paid_payout", "pending_payout"].contains(metric), !payoutColumns.contains("status") {
      return false
    }
    return Reference.facts(of: metric).allSatisfy { fact in
      switch fact {
      case .tracking: used.isSubset(of: Reference.trackingDimensions)
      case .posts: used.isSubset(of: postDimensions)
      case .spend: used.isSubset(of: payoutDimensions.union(Reference.trackingDimensions))
      case .payoutNative: used.isSubset(of: payoutDimensions)
      case .audience:
        used.isSubset(of: Reference.trackingDimensions) || used.isSubset(of: postDimensions)
          || used.isSubset(of: payoutDimensions)
      }
    }
  }

  /// The rows influencers/followers count over: the influencer table for influencer attributes,
  /// else the rows of every fact that carries every dimension used (SPEC: "any" fact), so an
  /// influencer who posted in a campaign counts there even without tracked orders.
  func audienceRows(_ used: Set<String>) -> [Row] {
    if used.isSubset(of: Set(Reference.attributeDimensions)) {
      return knownIDs.map {
        Row(labels: attributeLabels($0), influencerID: $0, fields: [:], int: [:])
      }
    }
    var rows: [Row] = []
    if used.isSubset(of: Reference.trackingDimensions) { rows += tracking }
    if used.isSubset(of: postDimensions) { rows += posts }
    if used.isSubset(of: payoutDimensions) { rows += payouts }
    return rows
  }

  /// First purchase date per user over all tracking rows.
  var firstPurchase: [String: String] {
    var first: [String: String] = [:]
    for r in trackingRaw {
      let u = r["user_id"] ?? ""
      let d = r["date"] ?? ""
      if let f = first[u], f <= d { continue }
      first[u] = d
    }
    return first
  }

  /// Sums per group for `metrics by dims where filter`.
  func accumulate(metrics: [String], dims: [String], filter: RefFilter?) -> [[String]: RefAcc] {
    let used = Set(dims).union(filter?.dimensions ?? [])
    let facts = Set(metrics.flatMap { Reference.facts(of: $0) })
    var groups: [[String]: RefAcc] = [:]
    func key(_ labels: [String: String]) -> [String]? {
      let k = dims.map { labels[$0] }
      return k.contains(where: { $0 == nil }) ? nil : k.compactMap { $0 }
    }
    func passes(_ labels: [String: String]) -> Bool { filter?.test(labels) ?? true }
    if facts.contains(.tracking) {
      let first = firstPurchase
      for r in tracking where passes(r.labels) {
        guard let k = key(r.labels) else { continue }
        var a = groups[k] ?? RefAcc()
        a.revenue += r.int["revenue"] ?? 0
        a.orders += r.int["orders"] ?? 0
        a.conversions += 1
        let user = r.fields["user_id"] ?? ""
        a.users.insert(user)
        if first[user] == r.fields["date"] {
          a.newUsers.insert(user)
          a.newRevenue += r.int["revenue"] ?? 0
        }
        groups[k] = a
      }
    }
    if facts.contains(.posts) {
      for r in posts where passes(r.labels) {
        guard let k = key(r.labels) else { continue }
        var a = groups[k] ?? RefAcc()
        a.posts += 1
        a.reach += r.int["reach"] ?? 0
        a.likes += r.int["likes"] ?? 0
        a.comments += r.int["comments"] ?? 0
        a.postFollowers += followers(r.influencerID)
        groups[k] = a
      }
    }
    if facts.contains(.spend) {
      if used.isSubset(of: payoutDimensions) {
        for r in payouts where passes(r.labels) {
          guard let k = key(r.labels) else { continue }
          groups[k, default: RefAcc()].payout += r.int["total"] ?? 0
        }
      } else {
        let otherDimensionFiltered = !(filter?.dimensions ?? []).isSubset(of: payoutDimensions)
        for piece in payoutPieces() {
          if piece.unattributed && otherDimensionFiltered { continue }
          guard used.allSatisfy({ piece.labels[$0] != nil }), passes(piece.labels),
            let k = key(piece.labels)
          else { continue }
          groups[k, default: RefAcc()].payout += piece.paise
        }
      }
    }
    if facts.contains(.payoutNative) {
      let rows = tracking
      // order_gap: paid orders minus the tracked orders of the payout's influencer (and campaign),
      // the tracked orders subtracted once per key (choice: SPEC silent on two order-basis
      // payouts of one key; this keeps order_gap = paid_orders − tracked orders).
      var subtracted: Set<Int> = []
      let all = payouts
      for (index, r) in all.enumerated() where passes(r.labels) {
        guard let k = key(r.labels) else { continue }
        var a = groups[k] ?? RefAcc()
        let total = r.int["total"] ?? 0
        if r.fields["status"] == "paid" { a.paid += total }
        if r.fields["status"] == "pending" { a.pending += total }
        if r.fields["basis"] == "order" {
          let paidOrders = r.int["orders"] ?? 0
          a.paidOrders += paidOrders
          let firstOfKey =
            all.indices.first { all[$0].fields["basis"] == "order" && sameKey(all[$0], r) } ?? index
          var tracked: Int64 = 0
          if subtracted.insert(firstOfKey).inserted {
            tracked = rows.filter { sameKey(r, $0) }.reduce(Int64(0)) {
              $0 + ($1.int["orders"] ?? 0)
            }
          }
          a.orderGap += paidOrders - tracked
        }
        groups[k] = a
      }
    }
    if facts.contains(.audience) {
      for r in audienceRows(used) where passes(r.labels) {
        guard let k = key(r.labels) else { continue }
        var a = groups[k] ?? RefAcc()
        if a.audience.insert(r.influencerID).inserted { a.followers += followers(r.influencerID) }
        groups[k] = a
      }
    }
    return groups
  }

  /// A metric's value from a group's sums (SPEC §4 formulas, ratios of sums).
  static func value(_ metric: String, _ a: RefAcc, overall: RefAcc? = nil) -> RefValue {
    let engagements = a.likes + a.comments
    switch metric {
    case "revenue": return .paise(a.revenue)
    case "orders": return .integer(a.orders)
    case "conversions": return .integer(a.conversions)
    case "customers": return .integer(Int64(a.users.count))
    case "aov": return .ratio(Double(a.revenue) / 100, Double(a.orders))
    case "new_customers": return .integer(Int64(a.newUsers.count))
    case "incremental_revenue": return .paise(a.newRevenue)
    case "posts": return .integer(a.posts)
    case "reach": return .integer(a.reach)
    case "likes": return .integer(a.likes)
    case "comments": return .integer(a.comments)
    case "engagements": return .integer(engagements)
    case "engagement_rate": return .ratio(Double(engagements), Double(a.reach))
    case "engagement_rate_followers": return .ratio(Double(engagements), Double(a.postFollowers))
    case "influencers": return .integer(Int64(a.audience.count))
    case "followers": return .integer(a.followers)
    case "payout", "spend": return .paise(a.payout)
    case "paid_payout": return .paise(a.paid)
    case "pending_payout": return .paise(a.pending)
    case "paid_orders": return .integer(a.paidOrders)
    case "order_gap": return .integer(a.orderGap)
    case "roas": return .ratio(Double(a.revenue), Double(a.payout))
    case "roi": return .ratio(Double(a.revenue - a.payout), Double(a.payout))
    case "incremental_roas": return .ratio(Double(a.newRevenue), Double(a.payout))
    case "roas_delta":
      guard let g = value("roas", a).double, let o = overall, let all = value("roas", o).double
      else { return .empty }
      return .number(g - all)
    case "cac": return .ratio(Double(a.payout) / 100, Double(a.newUsers.count))
    case "cpe": return .ratio(Double(a.payout) / 100, Double(engagements))
    case "cpm":
      guard a.reach != 0 else { return .empty }
      return .number(Double(a.payout) / 100 / Double(a.reach) * 1000)
    case "conversion_rate": return .ratio(Double(a.conversions), Double(a.reach))
    default: return .empty
    }
  }

  /// Expected rows `[labels: [metric values]]` of `metrics by dims where filter`.
  func expect(_ metrics: [String], by dims: [String] = [], where filter: RefFilter? = nil)
    -> [[String]: [RefValue]]
  {
    let groups = accumulate(metrics: metrics, dims: dims, filter: filter)
    let overall =
      metrics.contains("roas_delta")
      ? accumulate(metrics: metrics, dims: [], filter: filter)[[]] ?? RefAcc() : nil
    if dims.isEmpty {
      let a = groups[[]] ?? RefAcc()
      return [[]: metrics.map { Reference.value($0, a, overall: overall) }]
    }
    return groups.mapValues { a in metrics.map { Reference.value($0, a, overall: overall) } }
  }

  /// Sum of several groups' accumulators (for `(other)` and totals rows).
  ///
  /// Distinct sets are united. `followers` is not merged (it needs the ids' follower counts):
  /// do not use it here.
  static func merge(_ accs: [RefAcc]) -> RefAcc {
    var m = RefAcc()
    for a in accs {
      m.revenue += a.revenue
      m.orders += a.orders
      m.conversions += a.conversions
      m.newRevenue += a.newRevenue
      m.users.formUnion(a.users)
      m.newUsers.formUnion(a.newUsers)
      m.posts += a.posts
      m.reach += a.reach
      m.likes += a.likes
      m.comments += a.comments
      m.postFollowers += a.postFollowers
      m.payout += a.payout
      m.paid += a.paid
      m.pending += a.pending
      m.paidOrders += a.paidOrders
      m.orderGap += a.orderGap
      for id in a.audience where !m.audience.contains(id) { m.audience.insert(id) }
    }
    return m
  }
}
