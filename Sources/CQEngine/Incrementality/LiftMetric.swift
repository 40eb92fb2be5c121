import CQStorage

/// The metrics estimated from `store_orders` (SPEC §4): lift and its return, with bounds.
enum LiftMetric: String, Sendable, CaseIterable {
  case revenue = "lift_revenue"
  case revenueLow = "lift_revenue_low"
  case revenueHigh = "lift_revenue_high"
  case iroas
  case iroasLow = "iroas_low"
  case iroasHigh = "iroas_high"

  /// Whether the metric divides by payout.
  var usesPayout: Bool { self == .iroas || self == .iroasLow || self == .iroasHigh }

  /// Which end of the 95% interval (nil: the estimate).
  var bound: Bound? {
    switch self {
    case .revenue, .iroas: nil
    case .revenueLow, .iroasLow: .low
    case .revenueHigh, .iroasHigh: .high
    }
  }

  enum Bound { case low, high }

  /// The catalogue entry.
  var definition: MetricDefinition {
    let (text, format, summary): (String, ValueFormat, String) =
      switch self {
      case .revenue:
        (
          "store revenue − its counterfactual (difference-in-differences, brand × day)", .money,
          "measured incremental store revenue: what the promoted brands sold in store_orders beyond what brands not (yet) promoted imply they would have sold; shared among the posts that ran (see 'describe lift_revenue')"
        )
      case .revenueLow:
        (
          "lower end of lift_revenue's 95% interval", .money,
          "lower end of the 95% interval of lift_revenue"
        )
      case .revenueHigh:
        (
          "upper end of lift_revenue's 95% interval", .money,
          "upper end of the 95% interval of lift_revenue"
        )
      case .iroas:
        (
          "lift_revenue / payout", .multiple,
          "incremental ROAS: measured lift per rupee of payout (payout spread as for roas)"
        )
      case .iroasLow:
        ("lift_revenue_low / payout", .multiple, "lower end of the 95% interval of iroas")
      case .iroasHigh:
        ("lift_revenue_high / payout", .multiple, "upper end of the 95% interval of iroas")
      }
    var m = MetricDefinition(
      name: rawValue, formulaText: text, summary: summary, format: format, formula: .constant(0),
      family: "incrementality", example: "\(rawValue) by brand",
      caveats:
        "needs store_orders.csv (\(LiftMetric.storeOrdersColumns)); an estimate with a 95% interval"
    )
    m.special = .lift(self)
    return m
  }

  /// The store_orders columns the metrics need, for messages.
  static let storeOrdersColumns = "date, user_id, product, brand, orders, revenue, source"
}

extension MetricDefinition {
  /// The lift metric this is, if any.
  var liftMetric: LiftMetric? {
    if case .lift(let l) = special { return l }
    return nil
  }
}

extension MetricCatalog {
  /// Adds `lift_revenue`, `iroas` and their interval ends (when store_orders is loaded).
  mutating func addLiftMetrics() {
    for metric in LiftMetric.allCases { define(metric.definition) }
  }
}
