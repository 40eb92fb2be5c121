import CQStorage

extension Engine {
  /// A lift metric's cell: paise for lift, a ratio for iroas; empty without an estimate, an
  /// interval end without a variance, or iroas over no payout.
  static func value(_ metric: LiftMetric, _ lift: LiftValue?, payout: Int64) -> Value {
    guard let lift else { return .empty }
    let amount: Double
    switch metric.bound {
    case nil: amount = lift.lift
    case .low?: amount = lift.low
    case .high?: amount = lift.high
    }
    guard amount.isFinite else { return .empty }
    if metric.usesPayout {
      return payout == 0 ? .empty : .number(amount / Double(payout))
    }
    guard amount.magnitude < 9e18 else { return .empty }
    return .paise(Int64(amount.rounded()))
  }
}

extension LiftModel {
  /// Rows listed with their interval in a human table's footer; more are summarised.
  static let intervalRows = 10

  /// The method in one line.
  var methodLine: Prose {
    "lift_revenue: difference-in-differences on store_orders — each promoted brand's daily store revenue against brands not (yet) promoted that day, scaled by its ratio to them before its first post"
  }

  func brandName(_ code: Int32, store: Store) -> String {
    store.space(.brand, tiers: .standard).labelFor(code)
  }

  /// Brand names, the first `limit` of them and how many more.
  func brandNames(_ codes: [Int32], store: Store, limit: Int = 10) -> String {
    let names = codes.prefix(limit).map { brandName($0, store: store) }.joined(separator: ", ")
    return codes.count > limit ? "\(names) and \(codes.count - limit) more" : names
  }

  /// Warnings every lift answer carries: failed pre-trend checks, brands without an estimate,
  /// short pre-periods, exposed days without controls.
  func caveats(store: Store) -> [Prose] {
    var lines: [Prose] = []
    for e in estimates where !e.trendPasses {
      lines.append(
        "pre-trend check failed for \(brandName(e.brand, store: store)): before its first post its revenue drifted \(signedPercent: e.slope)/day against the controls (t = \(decimal: e.slopeT)), so its lift is not trustworthy"
      )
    }
    for s in skipped {
      lines.append("no lift estimate for \(brandName(s.brand, store: store)): \(s.reason)")
    }
    for e in estimates where e.preDays < LiftModel.shortPreDays {
      lines.append(
        "\(brandName(e.brand, store: store)) has only \(e.preDays) days of store orders before its first post: a short baseline, wide interval"
      )
    }
    for e in estimates where e.daysWithoutControls > 0 {
      let n = e.daysWithoutControls
      lines.append(
        "\(brandName(e.brand, store: store)): \(n) day\(n == 1 ? "" : "s") with posts but no brand left unpromoted to compare with \(n == 1 ? "is" : "are") left out"
      )
    }
    if storeRows == 0 {
      lines.append("store_orders.csv has no rows, so there is no lift to estimate")
    } else if estimates.isEmpty && skipped.isEmpty {
      lines.append(
        "no post could be tied to a brand of store_orders, so there is no lift to estimate")
    }
    return lines
  }

  /// The notes a machine format writes to standard error in place of a table's `footnotes`:
  /// the same lines, with the per-row intervals replaced by where their columns are.
  func machineNotes(footnotes: [Prose]) -> [Prose] {
    var notes: [Prose] = []
    var inIntervals = false
    for line in footnotes {
      // The interval block: `95% interval…` and the indented rows under it.
      if line.hasPrefix("95% interval") || (inIntervals && line.hasPrefix("  ")) {
        inIntervals = true
        continue
      }
      inIntervals = false
      notes.append(line)
      if line == methodLine { notes.append(LiftModel.intervalColumnsNote) }
    }
    return notes
  }

  static let intervalColumnsNote: Prose =
    "95% intervals: lift_revenue_low, lift_revenue_high, iroas_low, iroas_high; 'explain' shows the controls and the pre-trend check"

  /// Footer lines of a human table: the method, each row's 95% interval (or the total's when
  /// there are many rows) and the caveats.
  func footnotes(
    rows: [(label: String, value: LiftValue?)], total: LiftValue?, metrics: [LiftMetric],
    store: Store
  ) -> [Prose] {
    var lines = [methodLine]
    // Intervals of lift_revenue (iroas's are the same over payout), unless shown as columns.
    let asColumns = metrics.contains(.revenueLow) && metrics.contains(.revenueHigh)
    if metrics.contains(where: { $0.bound == nil }), !asColumns {
      let listed = rows.compactMap { r in r.value.map { (r.label, $0) } }
      if listed.isEmpty {
        // No row has an estimate: the caveats say why.
      } else if listed.count == 1, listed[0].0.isEmpty {
        lines.append("95% interval: \(LiftModel.interval(listed[0].1))")
      } else if listed.count <= LiftModel.intervalRows {
        lines.append("95% intervals of lift_revenue:")
        for (label, v) in listed { lines.append("  \(label): \(LiftModel.interval(v))") }
      } else if let total {
        lines.append(
          "95% interval of the total \(LiftModel.rupees(total.lift)): \(LiftModel.interval(total)); per row: add lift_revenue_low, lift_revenue_high"
        )
      }
    }
    return lines + caveats(store: store)
  }

  /// `₹3.1L – ₹4.0L`; `–` without an estimate or a finite interval.
  static func interval(_ v: LiftValue?) -> Prose {
    guard let v, v.low.isFinite, v.high.isFinite else { return "–" }
    return "\(rupees(v.low)) – \(rupees(v.high))"
  }

  /// Short money for an amount in paise that may lie beyond `Int64` (or not be finite).
  static func rupees(_ paise: Double) -> Prose {
    guard paise.isFinite else { return "–" }
    guard paise.magnitude < 9e18 else { return "\(brief: .number(paise / 100), .money)" }
    return "\(money: Int64(paise.rounded()))"
  }

  // MARK: - explain and describe

  /// The method, per brand: pre-period, controls, ratio, pre-trend result, lift and interval.
  func explainLines(store: Store) -> [Prose] {
    let rows: Prose =
      storeRows == 0
      ? "no rows"
      : "\(count: Int64(storeRows)) rows, \(DayNumber.isoString(firstDay)) to \(DayNumber.isoString(lastDay)), \(dayCount) day\(dayCount == 1 ? "" : "s") with orders"
    var lines: [Prose] = [
      "lift: difference-in-differences on store_orders (\(rows)), brand × day:",
      "  - a post promotes its campaign's brand (the brand with most of the campaign's tracked revenue); a brand is treated from its first post",
      "  - a post counts on its day and the 6 days after, its weight halving each day; a brand-day's lift is shared among the posts exposing it by that weight",
      "  - controls: brands not yet promoted on the day (never-promoted: \(neverPromoted.isEmpty ? "none" : brandNames(neverPromoted, store: store)))",
      "  - counterfactual = the controls' revenue that day × the brand's ratio to them over every store day before its first post; lift = actual − counterfactual",
      "  - 95% interval from the spread of the pre-period residuals (day noise plus the ratio's own error); pre-trend check: a line through those residuals must be flat at 5%",
    ]
    for e in estimates {
      let total = brandTotal(e.brand)
      let controls = brandNames(e.controls, store: store)
      lines.append(
        "  \(brandName(e.brand, store: store)): first post \(DayNumber.isoString(e.onset)), \(e.preDays) days before; controls then \(controls) (ratio \(decimal: e.ratio)); lift \(LiftModel.rupees(e.lift)) (95%: \(LiftModel.interval(total))) over \(e.liftDays) day\(e.liftDays == 1 ? "" : "s") on a counterfactual of \(LiftModel.rupees(e.counterfactual)); pre-trend \(e.trendPasses ? "passes" : "FAILS") (slope \(signedPercent: e.slope)/day, t = \(decimal: e.slopeT))"
      )
    }
    lines += caveats(store: store).map { "  note: " + $0 }
    if postsWithoutBrand > 0 {
      lines.append(
        "  note: \(grouped: postsWithoutBrand) posts have no tracked orders to tell their brand and are left out"
      )
    }
    return lines
  }
}
