import CQStorage

extension Engine {
  /// The caveat under a result showing a metric built on first purchases.
  ///
  /// Those are new_customers, incremental_*, cac and metrics defined on them: a heuristic, not
  /// measured lift. Both the columnar and the general path put it first in the footer, before
  /// the lift notes.
  ///
  /// - Complexity: O(*m*) in the metrics shown.
  func heuristicFootnote(_ metrics: [MetricDefinition]) -> Prose? {
    guard metrics.contains(where: { Engine.countsFirstPurchases($0, in: catalog) }) else {
      return nil
    }
    let measured: Prose =
      store.data.storeOrders != nil ? "; measured lift: iroas, lift_revenue" : ""
    return
      "incremental_* is a heuristic: revenue on each customer's first purchase date (they might have bought anyway), not measured lift"
      + measured
  }

  /// The footer lines a plan adds: the binder's notes, `more`, then the tiers in force.
  ///
  /// The binder's notes say which days a relative date resolved to; `more` holds the partial
  /// periods under a change; the tier thresholds follow when the plan groups or filters by tier.
  func planFootnotes(_ plan: LogicalPlan, then more: [Prose] = []) -> [Prose] {
    var notes = plan.notes.map { Prose($0) } + more
    if plan.dimensions.contains(.tier) || (plan.filter?.dimensions.contains(.tier) ?? false) {
      notes.append("tiers: \(plan.tiers.description) followers")
    }
    return notes
  }
}
