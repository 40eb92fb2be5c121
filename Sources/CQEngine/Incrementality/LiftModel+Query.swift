import CQStorage

/// The lift of one result group: the estimate and its variance, in paise.
struct LiftValue: Sendable {
  var lift: Double
  var variance: Double
  /// Fewest pre-period degrees of freedom among the brands that make it up.
  var degreesOfFreedom: Int

  /// Half the width of the 95% interval.
  var margin: Double {
    LiftModel.studentT(degreesOfFreedom: degreesOfFreedom) * variance.squareRoot()
  }
  var low: Double { lift - margin }
  var high: Double { lift + margin }
}

extension LiftModel {
  /// Dimensions lift answers by: those a post carries (its influencer and their attributes,
  /// its campaign and platform), its brand, and the day of the store revenue.
  static let dimensions: [Dimension] = [
    .influencer, .influencerID, .category, .gender, .platform, .tier, .campaign, .postPlatform,
    .brand,
    .day, .week, .month, .quarter, .year, .weekday,
  ]

  /// Whether lift can be split or filtered by `dimension` on this data.
  func answers(by dimension: Dimension) -> Bool {
    LiftModel.dimensions.contains(dimension) && (dimension != .campaign || hasCampaigns)
  }

  /// Where a dimension's code of a post group on a store day comes from.
  private enum Source {
    case influencer, campaign, postPlatform, brand
    /// An influencer attribute: codes per influencer code, and the code of unknown influencers.
    case attribute(ContiguousArray<Int32>, unknown: Int32)
    /// A time grain: codes per store day.
    case time([Int32])
    case none

    var dependsOnDay: Bool { if case .time = self { true } else { false } }

    func code(_ e: Exposure, _ storeDay: Int) -> Int32 {
      switch self {
      case .influencer: return e.influencer
      case .campaign: return e.campaign
      case .postPlatform: return e.postPlatform
      case .brand: return e.brand
      case .attribute(let codes, let unknown):
        guard e.influencer >= 0, Int(e.influencer) < codes.count else { return unknown }
        return codes[Int(e.influencer)]
      case .time(let codes): return codes[storeDay]
      case .none: return -1
      }
    }
  }

  /// A filter compiled against the sources.
  private indirect enum Test {
    case leaf(Source, [Bool])
    case and(Test, Test)
    case or(Test, Test)
    case not(Test)

    var dependsOnDay: Bool {
      switch self {
      case .leaf(let s, _): s.dependsOnDay
      case .and(let a, let b), .or(let a, let b): a.dependsOnDay || b.dependsOnDay
      case .not(let a): a.dependsOnDay
      }
    }

    func holds(_ e: Exposure, _ storeDay: Int) -> Bool {
      switch self {
      case .leaf(let source, let allowed):
        let k = Int(source.code(e, storeDay))
        return k >= 0 && k < allowed.count && allowed[k]
      case .and(let a, let b): return a.holds(e, storeDay) && b.holds(e, storeDay)
      case .or(let a, let b): return a.holds(e, storeDay) || b.holds(e, storeDay)
      case .not(let a): return !a.holds(e, storeDay)
      }
    }
  }

  private func source(_ d: Dimension, store: Store, tiers: Tiers) -> Source {
    switch d {
    case .influencer, .influencerID: return .influencer
    case .category, .gender, .platform:
      return .attribute(
        store.data.influencers.strings(d.rawValue).codes,
        unknown: store.space(d, tiers: tiers).unknown)
    case .tier:
      return .attribute(
        ContiguousArray(store.followers.map { tiers.tier(of: $0) }),
        unknown: store.space(d, tiers: tiers).unknown)
    case .campaign: return .campaign
    case .postPlatform: return .postPlatform
    case .brand: return .brand
    case .day, .week, .month, .quarter, .year, .weekday:
      guard let g = d.timeGrain else { return .none }
      let base = store.timeBase(g)
      return .time(storeDays.map { Int32(clamping: TimeCodes.value($0, g) - base) })
    default: return .none
    }
  }

  private func compile(_ c: BoundCondition, store: Store, tiers: Tiers) -> Test {
    switch c {
    case .leaf(let d, let allowed, _): .leaf(source(d, store: store, tiers: tiers), allowed)
    case .and(let a, let b):
      .and(compile(a, store: store, tiers: tiers), compile(b, store: store, tiers: tiers))
    case .or(let a, let b):
      .or(compile(a, store: store, tiers: tiers), compile(b, store: store, tiers: tiers))
    case .not(let a): .not(compile(a, store: store, tiers: tiers))
    }
  }

  /// Lift per group of `grain` (codes in `grain` order) and over all groups, under `filter`;
  /// the total is nil when no post's lift passes the filter.
  ///
  /// Each brand-day's lift is shared among the posts exposing it in proportion to their
  /// exposure weight; a group's variance adds, per brand, the day noise of its share of each
  /// brand-day and the error of the brand's pre-period ratio.
  ///
  /// - Complexity: O(*e* × 7 + *b* × *d*) in the (brand, day, influencer, campaign) post groups
  ///   *e*, brands *b* and store days *d*, with hash look-ups only for large group spaces.
  func aggregate(
    grain: [Dimension], filter: BoundCondition?, store: Store, tiers: Tiers
  ) -> (groups: [[Int32]: LiftValue], total: LiftValue?) {
    let sources = grain.map { source($0, store: store, tiers: tiers) }
    let test = filter.map { compile($0, store: store, tiers: tiers) }
    // Group keys: mixed radix over each dimension's codes (-1 and the specials included), in
    // a flat table when small, else hashed; keys outside the radix fall back to array keys.
    let radices = grain.map { store.space($0, tiers: tiers).total + 1 }
    var packable = true
    var keySpace = 1
    for r in radices {
      let (p, o) = keySpace.multipliedReportingOverflow(by: r)
      if o || p > 1 << 60 { packable = false } else { keySpace = p }
    }
    let flat = packable && keySpace <= 1 << 20
    var flatIDs = [Int32](repeating: -1, count: flat ? keySpace : 0)
    var packedIDs: [Int: Int32] = [:]
    var arrayIDs: [[Int32]: Int32] = [:]
    var keys: [[Int32]] = []
    var scratch = [Int32](repeating: 0, count: grain.count)
    var gLift: [Double] = []
    var gVariance: [Double] = []
    var gDF: [Int] = []
    var gShare: [Double] = []
    var gNoise: [Double] = []
    var gLevel: [Double] = []
    var gSlot: [Int] = []
    var gBrand: [Int] = []

    func groupID(_ e: Exposure, _ d: Int) -> Int32 {
      var packed = 0
      var inRange = packable
      for (i, s) in sources.enumerated() {
        let c = s.code(e, d)
        scratch[i] = c
        if c < -1 || Int(c) + 1 >= radices[i] { inRange = false }
        if inRange { packed = packed * radices[i] + Int(c) + 1 }
      }
      if inRange, flat, flatIDs[packed] >= 0 { return flatIDs[packed] }
      if inRange, !flat, let id = packedIDs[packed] { return id }
      if !inRange, let id = arrayIDs[scratch] { return id }
      let id = Int32(keys.count)
      if inRange, flat {
        flatIDs[packed] = id
      } else if inRange {
        packedIDs[packed] = id
      } else {
        arrayIDs[scratch] = id
      }
      keys.append(scratch)
      gLift.append(0)
      gVariance.append(0)
      gDF.append(.max)
      gShare.append(0)
      gNoise.append(0)
      gLevel.append(0)
      gSlot.append(-1)
      gBrand.append(-1)
      return id
    }

    // Per post group, when neither the grain nor the filter depends on the day: its group and
    // whether it passes.
    let keyByDay = sources.contains { $0.dependsOnDay }
    let testByDay = test?.dependsOnDay ?? false
    var fixedGroup = [Int32](repeating: -1, count: keyByDay ? 0 : exposures.count)
    var fixedPass = [Bool](repeating: true, count: testByDay ? 0 : exposures.count)
    if let test, !testByDay {
      for i in exposures.indices { fixedPass[i] = test.holds(exposures[i], 0) }
    }

    var total = (lift: 0.0, variance: 0.0, df: Int.max, noise: 0.0, level: 0.0, any: false)
    var touched: [Int32] = []
    var brandTouched: [Int32] = []
    for estimate in estimates {
      let b = Int(estimate.brand)
      guard b + 1 < brandStart.count else { continue }
      let end = brandStart[b + 1]
      var first = brandStart[b]
      var brandHasTotal = false
      for d in 0..<dayCount {
        let slot = b * dayCount + d
        guard let cell = cells[slot] else { continue }
        let day = Int(storeDays[d])
        while first < end, Int(exposures[first].day) < day - (LiftModel.kernel.count - 1) {
          first += 1
        }
        var share = 0.0
        var any = false
        var i = first
        while i < end, Int(exposures[i].day) <= day {
          let e = exposures[i]
          defer { i += 1 }
          if let test {
            guard testByDay ? test.holds(e, d) : fixedPass[i] else { continue }
          }
          let a = LiftModel.kernel[day - Int(e.day)] * Double(e.posts) / cell.exposure
          let g: Int32
          if keyByDay {
            g = groupID(e, d)
          } else if fixedGroup[i] >= 0 {
            g = fixedGroup[i]
          } else {
            g = groupID(e, d)
            fixedGroup[i] = g
          }
          let gi = Int(g)
          if gSlot[gi] != slot {
            gSlot[gi] = slot
            touched.append(g)
          }
          gShare[gi] += a
          share += a
          any = true
        }
        for g in touched {
          let gi = Int(g)
          let a = gShare[gi]
          gLift[gi] += a * cell.lift
          gNoise[gi] += a * a * cell.counterfactual * cell.counterfactual
          gLevel[gi] += a * cell.counterfactual
          gShare[gi] = 0
          if gBrand[gi] != b {
            gBrand[gi] = b
            brandTouched.append(g)
          }
        }
        touched.removeAll(keepingCapacity: true)
        if any {
          total.lift += share * cell.lift
          total.noise += share * share * cell.counterfactual * cell.counterfactual
          total.level += share * cell.counterfactual
          brandHasTotal = true
        }
      }
      // The brand's variance: day noise plus the ratio's error, per group.
      for g in brandTouched {
        let gi = Int(g)
        gVariance[gi] +=
          estimate.residualVariance * (gNoise[gi] + estimate.ratioFactor * gLevel[gi] * gLevel[gi])
        gDF[gi] = min(gDF[gi], estimate.degreesOfFreedom)
        gNoise[gi] = 0
        gLevel[gi] = 0
      }
      brandTouched.removeAll(keepingCapacity: true)
      if brandHasTotal {
        total.variance +=
          estimate.residualVariance
          * (total.noise + estimate.ratioFactor * total.level * total.level)
        total.df = min(total.df, estimate.degreesOfFreedom)
        total.noise = 0
        total.level = 0
        total.any = true
      }
    }
    var groups: [[Int32]: LiftValue] = [:]
    groups.reserveCapacity(keys.count)
    for (g, key) in keys.enumerated() {
      groups[key] = LiftValue(
        lift: gLift[g], variance: gVariance[g], degreesOfFreedom: gDF[g] == .max ? 1 : gDF[g])
    }
    let totalValue =
      total.any
      ? LiftValue(
        lift: total.lift, variance: total.variance,
        degreesOfFreedom: total.df == .max ? 1 : total.df) : nil
    return (groups, totalValue)
  }

  /// The lift and 95% interval of one brand over all its lift days.
  ///
  /// - Complexity: O(*d*) in store days.
  func brandTotal(_ brand: Int32) -> LiftValue? {
    guard let e = estimate(of: brand) else { return nil }
    var lift = 0.0
    var noise = 0.0
    var level = 0.0
    for d in 0..<dayCount {
      guard let cell = cells[Int(brand) * dayCount + d] else { continue }
      lift += cell.lift
      noise += cell.counterfactual * cell.counterfactual
      level += cell.counterfactual
    }
    return LiftValue(
      lift: lift, variance: e.residualVariance * (noise + e.ratioFactor * level * level),
      degreesOfFreedom: e.degreesOfFreedom)
  }
}
