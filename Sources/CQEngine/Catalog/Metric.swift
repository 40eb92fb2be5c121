import CQStorage

/// A base aggregate computed from one fact at the query grain.
///
/// Metrics are formulas over measures; each fact's measures are aggregated on their own and
/// joined on the grain keys (no fan-out).
enum Measure: Hashable, Sendable {
  case revenue, orders, conversions, customers, newCustomers, newRevenue
  case posts, reach, likes, comments, postFollowers
  case payout, paidPayout, pendingPayout, paidOrders, orderGap
  /// Distinct influencers among the rows of `fact` in scope.
  case influencers(Fact)
  /// Σ follower_count over distinct influencers of `fact` in scope.
  case followers(Fact)

  var fact: Fact {
    switch self {
    case .revenue, .orders, .conversions, .customers, .newCustomers, .newRevenue: .tracking
    case .posts, .reach, .likes, .comments, .postFollowers: .posts
    case .payout, .paidPayout, .pendingPayout, .paidOrders, .orderGap: .payouts
    case .influencers(let f), .followers(let f): f
    }
  }

  /// The measure's column name in a plan (`explain plan`) and in the SQL cq sends.
  var name: String {
    switch self {
    case .revenue: "revenue"
    case .orders: "orders"
    case .conversions: "conversions"
    case .customers: "customers"
    case .newCustomers: "new_customers"
    case .newRevenue: "incremental_revenue"
    case .posts: "posts"
    case .reach: "reach"
    case .likes: "likes"
    case .comments: "comments"
    case .postFollowers: "post_followers"
    case .payout: "payout"
    case .paidPayout: "paid_payout"
    case .pendingPayout: "pending_payout"
    case .paidOrders: "paid_orders"
    case .orderGap: "order_gap"
    case .influencers: "influencers"
    case .followers: "followers"
    }
  }

  /// `influencers` or `followers`: distinct over every fact in scope.
  var isAudience: Bool {
    switch self {
    case .influencers, .followers: true
    default: false
    }
  }

  var isMoney: Bool {
    switch self {
    case .revenue, .newRevenue, .payout, .paidPayout, .pendingPayout: true
    default: false
    }
  }

  /// Never spread over tracking rows (SPEC §4): answers only by dimensions payouts carry.
  var isPayoutNative: Bool {
    switch self {
    case .paidPayout, .pendingPayout, .paidOrders, .orderGap: true
    default: false
    }
  }
}

/// A formula over measures.
indirect enum Formula: Hashable, Sendable {
  case measure(Measure)
  case constant(Double)
  case add(Formula, Formula)
  case subtract(Formula, Formula)
  case multiply(Formula, Formula)
  case divide(Formula, Formula)
  /// Another metric by name (user-defined metrics refer to catalogue metrics).
  case metric(String)

  func measures(in catalog: MetricCatalog) -> [Measure] {
    switch self {
    case .measure(let m): [m]
    case .constant: []
    case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b),
      .divide(let a, let b):
      a.measures(in: catalog) + b.measures(in: catalog)
    case .metric(let name):
      catalog.metric(named: name).map { $0.formula.measures(in: catalog) } ?? []
    }
  }

  /// The formula with every metric it names replaced by that metric's own formula.
  ///
  /// A plan's formulas are thus complete at bind time, and nothing is looked up by name while it
  /// runs. A name the catalogue does not hold (or a chain deeper than any definition makes)
  /// stays a name.
  func resolved(in catalog: MetricCatalog, depth: Int = 0) -> Formula {
    switch self {
    case .measure, .constant: self
    case .add(let a, let b):
      .add(a.resolved(in: catalog, depth: depth), b.resolved(in: catalog, depth: depth))
    case .subtract(let a, let b):
      .subtract(a.resolved(in: catalog, depth: depth), b.resolved(in: catalog, depth: depth))
    case .multiply(let a, let b):
      .multiply(a.resolved(in: catalog, depth: depth), b.resolved(in: catalog, depth: depth))
    case .divide(let a, let b):
      .divide(a.resolved(in: catalog, depth: depth), b.resolved(in: catalog, depth: depth))
    case .metric(let name):
      if depth < 64, let m = catalog.metric(named: name), m.special == nil {
        m.formula.resolved(in: catalog, depth: depth + 1)
      } else {
        self
      }
    }
  }

  /// Whether the formula divides anywhere (a ratio: roas, aov, cpm, a defined margin).
  func divides(in catalog: MetricCatalog) -> Bool {
    switch self {
    case .measure, .constant: false
    case .divide: true
    case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b):
      a.divides(in: catalog) || b.divides(in: catalog)
    case .metric(let name):
      catalog.metric(named: name).map { $0.formula.divides(in: catalog) } ?? false
    }
  }

}

/// A metric of the catalogue (SPEC §4) or one defined in the session, with its documentation:
/// the formula, family, example and caveats that `help NAME`, `describe` and `show metrics`
/// read.
public struct MetricDefinition: Sendable {
  /// The name queries write, lower-case.
  public var name: String
  /// The formula as an analyst reads it: `revenue / payout`.
  public var formulaText: String
  /// What it means, in one or two sentences.
  public var summary: String
  /// How the metric's values are shown.
  public var format: ValueFormat
  var formula: Formula
  /// Special metrics computed outside the formula machinery.
  var special: Special?
  /// Whether `define metric` made it in this session.
  public var isUserDefined: Bool = false
  /// A family for `show metrics` and `help`: one of ``MetricCatalog/families``, or `defined`.
  public var family: String
  /// A query that shows the metric well on the bundled data (`help NAME`).
  public var example: String = ""
  /// What the metric cannot claim or where it does not answer, when anything.
  public var caveats: String?

  enum Special: Sendable, Equatable {
    case roasDelta, score
    /// `share(METRIC)`: the group's value over the column total under the same filters.
    case share(String)
    /// `change(METRIC)`: the group's value over the same group in the previous period, less 1.
    case change(String)

    /// The metric `share(…)` or `change(…)` is taken over.
    var base: String? {
      switch self {
      case .share(let b), .change(let b): b
      default: nil
      }
    }
    /// Estimated from store_orders by difference-in-differences (Incrementality/).
    case lift(LiftMetric)
  }
}

/// The metric catalogue: SPEC §4 plus `define metric` additions.
public struct MetricCatalog: Sendable {
  /// Every metric it holds: the built-in ones, then those added, in the order added.
  public private(set) var metrics: [MetricDefinition]
  var aliases: [String: String] = ["spend": "payout"]

  /// The built-in catalogue (SPEC §4), with no lift metric or definition.
  public init() { metrics = MetricCatalog.builtIn }

  /// The families metrics are documented in, in `help metrics` order.
  public static let families = ["sales", "incrementality", "engagement", "spend"]

  /// Every metric cq documents: the built-in ones, then those measured from store_orders.
  public static var documented: [MetricDefinition] {
    builtIn + LiftMetric.allCases.map(\.definition)
  }

  /// The catalogue name an alias stands for (`spend` → `payout`), or nil.
  public static func aliasTarget(_ name: String) -> String? {
    MetricCatalog().aliases[name.lowercased()]
  }

  /// The aliases of `name` (`payout` → `spend`).
  public func aliases(of name: String) -> [String] {
    aliases.filter { $0.value == name }.map(\.key).sorted()
  }

  /// The metric called `name`, or that an alias `name` stands for, in any case; nil if none.
  public func metric(named name: String) -> MetricDefinition? {
    let key = aliases[name.lowercased()] ?? name.lowercased()
    return metrics.first { $0.name == key }
  }

  /// Every metric's name, then the aliases in alphabetical order.
  public var names: [String] { metrics.map(\.name) + aliases.keys.sorted() }

  mutating func define(_ definition: MetricDefinition) {
    metrics.removeAll { $0.name == definition.name }
    metrics.append(definition)
  }

  static let builtIn: [MetricDefinition] = {
    func m(
      _ name: String, _ family: String, _ text: String, _ format: ValueFormat, _ formula: Formula,
      _ summary: String
    )
      -> MetricDefinition
    {
      MetricDefinition(
        name: name, formulaText: text, summary: summary, format: format, formula: formula,
        family: family,
        example: examples[name] ?? "", caveats: caveats[name])
    }
    let examples: [String: String] = [
      "revenue": "revenue by brand", "orders": "orders by campaign",
      "conversions": "conversions by source",
      "customers": "customers by month", "aov": "aov by brand",
      "new_customers": "new_customers by campaign",
      "incremental_revenue": "incremental_revenue by campaign", "posts": "posts by post_platform",
      "reach": "reach by platform", "likes": "likes by tier", "comments": "comments by tier",
      "engagements": "engagements by platform", "engagement_rate": "engagement_rate by platform",
      "engagement_rate_followers": "engagement_rate_followers by tier",
      "influencers": "influencers by category",
      "followers": "followers by platform", "payout": "payout by campaign",
      "paid_payout": "paid_payout, pending_payout by influencer",
      "pending_payout": "pending_payout by campaign",
      "paid_orders": "paid_orders by influencer",
      "order_gap": "order_gap by influencer having order_gap > 0",
      "roas": "roas by campaign where brand=MuscleBlaze", "roi": "roi by platform",
      "incremental_roas": "incremental_roas by campaign", "cac": "cac by platform",
      "cpe": "cpe by tier",
      "cpm": "cpm by platform", "conversion_rate": "conversion_rate by platform",
      "roas_delta": "roas_delta by campaign", "score": "top 10 influencer by score",
    ]
    let caveats: [String: String] = [
      "new_customers":
        "a heuristic: a customer's first purchase in the data is not proof the campaign brought them",
      "incremental_revenue":
        "a heuristic: new customers might have bought anyway; measured lift needs store_orders (lift_revenue)",
      "incremental_roas": "a heuristic (see incremental_revenue); iroas is the measured one",
      "cac": "counts new customers by the same heuristic as new_customers",
      "engagement_rate": "posts carry no brand or product: not by brand",
      "paid_payout": "needs payouts.status; never spread over tracking rows",
      "pending_payout": "needs payouts.status; never spread over tracking rows",
      "paid_orders": "never spread: only by dimensions payouts carry",
      "order_gap": "never spread: only by dimensions payouts carry",
      "cpm": "per thousand reached: the data has no impressions",
      "roas_delta": "a comparison with the overall ROAS, not incrementality",
      "score":
        "only by influencer, with filters on influencer attributes; ranks over the whole data set",
    ]
    let revenue = Formula.measure(.revenue)
    let payout = Formula.measure(.payout)
    let engagements = Formula.add(.measure(.likes), .measure(.comments))
    var list: [MetricDefinition] = [
      m("revenue", "sales", "sum(revenue)", .money, revenue, "revenue of tracked orders"),
      m("orders", "sales", "sum(orders)", .integer, .measure(.orders), "orders tracked"),
      m(
        "conversions", "sales", "count of tracking rows", .integer, .measure(.conversions),
        "tracked conversions (rows of tracking_data)"),
      m(
        "customers", "sales", "distinct user", .integer, .measure(.customers),
        "distinct customers (user_id) who bought"),
      m(
        "aov", "sales", "revenue / orders", .money, .divide(revenue, .measure(.orders)),
        "average order value"),
      m(
        "new_customers", "incrementality", "distinct users whose first purchase is in scope",
        .integer,
        .measure(.newCustomers),
        "customers whose first purchase in the whole data set falls in the group (a heuristic for acquisition)"
      ),
      m(
        "incremental_revenue", "incrementality",
        "revenue of rows on the user's first purchase date", .money,
        .measure(.newRevenue),
        "new-customer revenue: revenue of orders on each customer's first purchase date. A heuristic — new customers might have bought anyway — not measured incrementality"
      ),
      m("posts", "engagement", "count of posts", .integer, .measure(.posts), "posts published"),
      m("reach", "engagement", "sum(reach)", .integer, .measure(.reach), "people reached by posts"),
      m("likes", "engagement", "sum(likes)", .integer, .measure(.likes), "likes on posts"),
      m(
        "comments", "engagement", "sum(comments)", .integer, .measure(.comments),
        "comments on posts"),
      m(
        "engagements", "engagement", "likes + comments", .integer, engagements,
        "likes plus comments"),
      m(
        "engagement_rate", "engagement", "engagements / reach", .percent,
        .divide(engagements, .measure(.reach)),
        "engagement rate by reach (ERR): Σ(likes + comments) ÷ Σ reach"),
      m(
        "engagement_rate_followers", "engagement", "engagements / Σ author follower_count per post",
        .percent,
        .divide(engagements, .measure(.postFollowers)),
        "engagement rate by followers (ERF): Σ(likes + comments) ÷ Σ over posts of the author's follower_count"
      ),
      m(
        "influencers", "engagement", "distinct influencers in scope", .integer,
        .measure(.influencers(.influencers)),
        "distinct influencers"),
      m(
        "followers", "engagement", "sum(follower_count) over distinct influencers", .integer,
        .measure(.followers(.influencers)), "followers of the distinct influencers in scope"),
      m(
        "payout", "spend", "sum(total_payout)", .money, payout,
        "spend: what was paid or owed to influencers (alias spend)"),
      m(
        "paid_payout", "spend", "sum(total_payout) where status = paid", .money,
        .measure(.paidPayout),
        "payout already paid (needs payouts.status)"),
      m(
        "pending_payout", "spend", "sum(total_payout) where status = pending", .money,
        .measure(.pendingPayout),
        "payout still pending (needs payouts.status)"),
      m(
        "paid_orders", "spend", "sum(payouts.orders) over order-basis payouts", .integer,
        .measure(.paidOrders),
        "orders paid for on order-basis payouts"),
      m(
        "order_gap", "spend", "paid_orders − tracked orders of the same influencers", .integer,
        .measure(.orderGap),
        "payout reconciliation: > 0 means paying for orders that were not tracked"),
      m(
        "roas", "spend", "revenue / payout", .multiple, .divide(revenue, payout),
        "return on ad spend: revenue per rupee of payout"),
      m(
        "roi", "spend", "(revenue − payout) / payout", .percent,
        .divide(.subtract(revenue, payout), payout),
        "return on investment: profit over payout"),
      m(
        "incremental_roas", "incrementality", "incremental_revenue / payout", .multiple,
        .divide(.measure(.newRevenue), payout),
        "new-customer revenue per rupee of payout. Heuristic: assumes a customer's first purchase was caused by the campaign that tracked it"
      ),
      m(
        "cac", "incrementality", "payout / new_customers", .money,
        .divide(payout, .measure(.newCustomers)),
        "customer acquisition cost: payout per new customer"),
      m(
        "cpe", "engagement", "payout / engagements", .money, .divide(payout, engagements),
        "cost per engagement"),
      m(
        "cpm", "engagement", "payout / reach × 1000", .money,
        .multiply(.divide(payout, .measure(.reach)), .constant(1000)),
        "cost per thousand reached (there are no impressions in the data)"),
      m(
        "conversion_rate", "sales", "conversions / reach", .percent,
        .divide(.measure(.conversions), .measure(.reach)),
        "tracked conversions per person reached"),
    ]
    var delta = m(
      "roas_delta", "incrementality", "roas of the group − roas of all rows under the same filters",
      .multiple,
      .divide(revenue, payout),
      "how far a group's ROAS sits above or below the overall ROAS under the same filters (a comparison, not incrementality)"
    )
    delta.special = .roasDelta
    list.append(delta)
    var score = m(
      "score", "spend", "mean percentile rank in roas, engagement_rate, incremental_roas × 100",
      .decimal,
      .constant(0),
      "an influencer's performance score 0–100: the mean of its percentile ranks among all influencers (whole data set) in roas, engagement_rate and incremental_roas; only by influencer"
    )
    score.special = .score
    list.append(score)
    return list
  }()
}
