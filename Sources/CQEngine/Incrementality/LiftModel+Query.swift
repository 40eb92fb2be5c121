import CQStorage

/// The lift of one result group: the estimate and its variance, in paise.
struct LiftValue: Sendable {
  var lift: Double
  var variance: Double
  /// Fewest pre-period degrees of freedom among the brands that make it up.
  var degreesOfFreedom: Int

  /// Half the width of the 95% interval.
  var margin: Double { LiftModel.studentT(degreesOfFreedom: degreesOfFreedom) * variance.squareRoot() }
  var low: Double { lift - margin }
  var high: Double { lift + margin }
}

extension LiftModel {
  /// Dimensions lift answers by: those a post carries (its influencer and their attributes,
  /// its campaign and platform), its brand, and the day of the store revenue.
  static let dimensions: [Dimension] = [
    .influencer, .influencer_id, .category, .gender, .platform, .tier, .campaign, .post_platform, .brand,
    .day, .week, .month, .quarter, .year, .weekday,
  ]

  /// Whether lift can be split or filtered by `dimension` on this data.
  func answers(by dimension: Dimension) -> Bool {
    LiftModel.dimensions.contains(dimension) && (dimension != .campaign || hasCampaigns)
  }

  /// Lift per group of `grain` (codes in `grain` order) and over all groups, under `filter`.
  ///
  /// Each brand-day's lift is shared among the posts exposing it in proportion to their
  /// exposure weight; a group's variance adds, per brand, the day noise of its share of each
  /// brand-day and the error of the brand's pre-period ratio.
  ///
  /// - Complexity: O(*e* × 7) in the (brand, day, influencer, campaign) post groups *e*.
  func aggregate(
    grain: [Dimension], filter: BoundCondition?, store: Store, tiers: Tiers
  ) -> (groups: [[Int32]: LiftValue], total: LiftValue) {
    let influencerCount = Int32(store.influencerCount)
    var attributes: [Dimension: ContiguousArray<Int32>] = [:]
    var unknown: [Dimension: Int32] = [:]
    var bases: [Dimension: Int64] = [:]
    let used = Set(grain).union(filter?.dimensions ?? [])
    for d in used {
      switch d {
      case .category, .gender, .platform:
        attributes[d] = store.data.influencers.strings(d.rawValue).codes
        unknown[d] = store.space(d, tiers: tiers).unknown
      case .tier:
        attributes[d] = ContiguousArray(store.followers.map { tiers.tier(of: $0) })
        unknown[d] = store.space(d, tiers: tiers).unknown
      default:
        if let g = d.timeGrain { bases[d] = store.timeBase(g) }
      }
    }
    func code(_ d: Dimension, _ e: Exposure, _ day: Int32) -> Int32 {
      switch d {
      case .influencer, .influencer_id: return e.influencer
      case .category, .gender, .platform, .tier:
        guard e.influencer < influencerCount, let a = attributes[d] else { return unknown[d] ?? -1 }
        return a[Int(e.influencer)]
      case .campaign: return e.campaign
      case .post_platform: return e.postPlatform
      case .brand: return e.brand
      case .day, .week, .month, .quarter, .year, .weekday:
        guard let g = d.timeGrain else { return -1 }
        return Int32(TimeCodes.value(day, g) - (bases[d] ?? 0))
      default: return -1
      }
    }
    func holds(_ c: BoundCondition, _ e: Exposure, _ day: Int32) -> Bool {
      switch c {
      case .leaf(let d, let allowed, _):
        let k = Int(code(d, e, day))
        return k >= 0 && k < allowed.count && allowed[k]
      case .and(let a, let b): return holds(a, e, day) && holds(b, e, day)
      case .or(let a, let b): return holds(a, e, day) || holds(b, e, day)
      case .not(let a): return !holds(a, e, day)
      }
    }
    // Per group: the lift and each brand-day's share.
    var shares: [[Int32]: [Int: Double]] = [:]
    var totalShares: [Int: Double] = [:]
    for e in exposures {
      for (k, w) in LiftModel.kernel.enumerated() {
        let day = e.day + Int32(k)
        guard day >= firstDay, day <= lastDay else { continue }
        let slot = Int(e.brand) * dayCount + Int(day - firstDay)
        guard let cell = cells[slot], cell.exposure > 0 else { continue }
        if let filter, !holds(filter, e, day) { continue }
        let a = w * Double(e.posts) / cell.exposure
        let key = grain.map { code($0, e, day) }
        shares[key, default: [:]][slot, default: 0] += a
        totalShares[slot, default: 0] += a
      }
    }
    return (shares.mapValues(value), value(totalShares))
  }

  /// The lift and variance of a set of brand-day shares.
  func value(_ shares: [Int: Double]) -> LiftValue {
    var lift = 0.0
    var noise: [Int32: Double] = [:]
    var level: [Int32: Double] = [:]
    for (slot, a) in shares {
      guard let cell = cells[slot] else { continue }
      let brand = Int32(slot / dayCount)
      lift += a * cell.lift
      noise[brand, default: 0] += a * a * cell.counterfactual * cell.counterfactual
      level[brand, default: 0] += a * cell.counterfactual
    }
    var variance = 0.0
    var df = Int.max
    for (brand, n) in noise {
      guard let e = estimate(of: brand) else { continue }
      let y = level[brand] ?? 0
      variance += e.residualVariance * (n + e.ratioFactor * y * y)
      df = min(df, e.degreesOfFreedom)
    }
    return LiftValue(lift: lift, variance: variance, degreesOfFreedom: df == .max ? 1 : df)
  }
}
