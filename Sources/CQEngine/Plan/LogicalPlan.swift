import CQLanguage
import CQStorage

/// A bound condition over dimensions: each leaf allows a set of codes of one dimension.
indirect enum BoundCondition: Sendable {
  /// `allowed[code]` for every code of the dimension's space (specials included).
  case leaf(Dimension, allowed: [Bool], text: String)
  case and(BoundCondition, BoundCondition)
  case or(BoundCondition, BoundCondition)
  case not(BoundCondition)

  var dimensions: Set<Dimension> {
    switch self {
    case .leaf(let d, _, _): [d]
    case .and(let a, let b), .or(let a, let b): a.dimensions.union(b.dimensions)
    case .not(let a): a.dimensions
    }
  }

  /// Every leaf of the condition.
  var leaves: [BoundCondition] {
    switch self {
    case .leaf: [self]
    case .and(let a, let b), .or(let a, let b): a.leaves + b.leaves
    case .not(let a): a.leaves
    }
  }

  /// The condition as an analyst wrote it.
  var text: String {
    switch self {
    case .leaf(_, _, let t): t
    case .and(let a, let b): "\(a.text) and \(b.text)"
    case .or(let a, let b): "(\(a.text) or \(b.text))"
    case .not(let a): "not (\(a.text))"
    }
  }
}

/// A bound `having` condition over metric values.
indirect enum BoundHaving: Sendable {
  case compare(metricIndex: Int, CompareOp, Double)
  case and(BoundHaving, BoundHaving)
  case or(BoundHaving, BoundHaving)
  case not(BoundHaving)
}

/// How a fact is read for a query.
enum FactMode: Sendable, Hashable {
  /// Its own rows carry every dimension used.
  case direct
  /// Payouts spread over tracking rows (fast path: per-row sums of shares).
  case allocated(AllocationWeight)
  /// Payouts spread over tracking rows, keeping each payout's own basis/status.
  case allocatedByPayout(AllocationWeight)
}

/// One fact's part of a plan: the measures it aggregates to the query grain.
struct FactPlan: Sendable {
  var fact: Fact
  var measures: [Measure]
  var mode: FactMode
  /// Dimensions that forced allocation (for `explain`).
  var allocatedBecause: [Dimension]
  /// Other facts whose rows also count toward `influencers` and `followers` (distinct over the
  /// union of every fact that carries the dimensions used).
  var audienceAlso: [Fact] = []
}

/// A metric column of the plan.
struct PlannedMetric: Sendable {
  var definition: MetricDefinition
  /// Shown in the result (false for metrics only used by having/order by).
  var visible: Bool
  /// The column's header when the metric was asked for by an alias (`spend by platform` is
  /// headed `spend`, SPEC §5); nil for the catalogue name.
  var header: String? = nil
}

/// Sort keys of the result.
enum SortKey: Sendable, Hashable {
  case dimension(Int)
  case metric(Int)
}

/// The logical plan: plain data the executor runs (and a later backend could compile to SQL).
struct LogicalPlan: Sendable {
  var dimensions: [Dimension]
  var metrics: [PlannedMetric]
  var filter: BoundCondition?
  var having: BoundHaving?
  var order: [(key: SortKey, descending: Bool)]
  var limit: Int?
  var withOther: Bool
  var facts: [FactPlan]
  var tiers: Tiers
  var needsTotals: Bool
  /// The fact `influencers` and `followers` count over.
  var audience: Fact
  /// For `top N` / `bottom N`: the order that picks the `limit` rows, when an `order by` then
  /// orders the rows picked (nil: `order` does both).
  var rank: [(key: SortKey, descending: Bool)]? = nil
  /// Footer lines the binder resolved (relative dates: the days they stand for).
  var notes: [String] = []
  /// The statement the plan was bound from (an error from a database engine points at it).
  var source = ""
}
