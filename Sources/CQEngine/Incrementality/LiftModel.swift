import CQStorage

/// The difference-in-differences model behind `lift_revenue` and `iroas` (SPEC §4): what each
/// promoted brand's store revenue would have been without the posts, brand × day.
///
/// ```
/// lift_revenue, iroas by brand
/// ```
///
/// - **Treatment.** A post promotes its campaign's brand (the brand with the most tracked revenue
///   in that campaign; without a campaign, its influencer's top brand). A brand is treated from
///   the day of its first post; it has *exposure* on a day when a post ran that day or in the six
///   days before, each post counting 1 on its day and half as much each day after
///   (1, ½, ¼ … ¹⁄₆₄).
/// - **Controls.** On day *d* the controls of a treated brand are the other brands of
///   `store_orders` not yet promoted on *d*: never-promoted brands and brands whose first post
///   comes later.
/// - **Counterfactual (DiD in ratio form).** Over the brand's pre-period (every store day before
///   its first post) its revenue is *r* times the controls' revenue; after, the counterfactual of
///   a day is *r* × the controls' revenue that day. Lift of a brand-day = actual − counterfactual,
///   measured on days with exposure.
/// - **Attribution.** A brand-day's lift is shared among the posts exposing it, in proportion to
///   their exposure weight, so influencer, campaign and their attributes add up to the brand's
///   lift.
/// - **Uncertainty.** Pre-period residuals *u* = actual ÷ (*r* × controls) − 1 give the day
///   noise *s*; a counterfactual of *Y* has variance *s*²*Y*² per day plus the ratio's own error
///   *s*² Σ*P*²/(Σ*P*)² × (Σ*Y*)². Intervals are 95% (Student *t* on the pre-period days).
/// - **Pre-trend check.** A least-squares line through the pre-period residuals against time;
///   a slope that differs from zero at 5% means the brand was already drifting away from its
///   controls, and the estimate is flagged.
struct LiftModel: Sendable {
  /// Exposure weight of a post on its day and the six days after.
  static let kernel: [Double] = [1, 0.5, 0.25, 0.125, 0.0625, 0.031_25, 0.015_625]
  /// Fewer pre-period days than this: no estimate for the brand.
  static let minimumPreDays = 3
  /// Fewer pre-period days than this: the estimate carries a warning.
  static let shortPreDays = 14

  /// One brand's estimate and its diagnostics.
  struct BrandEstimate: Sendable {
    var brand: Int32
    /// Day number of the brand's first post.
    var onset: Int32
    /// Store days before the first post.
    var preDays: Int
    /// Pre-period days on which the controls sold (the residuals).
    var residualDays: Int
    /// The brand's pre-period revenue over its first-day controls' (for `explain`).
    var ratio: Double
    /// Controls on the day of the first post.
    var controls: [Int32]
    /// Variance of the relative day residual (*s*²).
    var residualVariance: Double
    /// Σ*P*² / (Σ*P*)² over the pre-period: the ratio's relative variance per unit *s*².
    var ratioFactor: Double
    /// Pre-trend slope of the relative residuals per day, its *t* statistic and the verdict.
    var slope: Double
    var slopeT: Double
    var trendPasses: Bool
    /// Brand-days with a lift estimate, and exposed days without any control brand.
    var liftDays: Int
    var daysWithoutControls: Int
    /// Σ lift and Σ counterfactual over the lift days (paise).
    var lift: Double
    var counterfactual: Double

    /// Degrees of freedom of the residual spread.
    var degreesOfFreedom: Int { max(residualDays - 1, 1) }
  }

  /// A treated brand without an estimate, and why.
  struct Skipped: Sendable {
    var brand: Int32
    var reason: String
  }

  /// One brand-day with a lift estimate (paise).
  struct Cell: Sendable {
    var lift: Double
    var counterfactual: Double
    /// Σ exposure weight of the posts that reach the day.
    var exposure: Double
  }

  /// Posts of one brand, day, influencer, campaign (-1 without a campaign column) and post
  /// platform.
  struct Exposure: Sendable {
    var brand: Int32
    var day: Int32
    var influencer: Int32
    var campaign: Int32
    var postPlatform: Int32
    var posts: Int32
  }

  /// First and last store day (day numbers).
  let firstDay: Int32
  let lastDay: Int32
  /// The days with at least one row of store_orders, ascending: the panel's day axis.
  ///
  /// A day without any store order is no day of the panel.
  let storeDays: [Int32]
  /// Per calendar day `firstDay + i`: its index in `storeDays`, or -1.
  let storeDayIndex: [Int32]
  /// Brand-day cells, index `brand × dayCount + store-day index`.
  let cells: [Cell?]
  /// Number of store days.
  let dayCount: Int
  /// Post groups, sorted by brand, then day.
  let exposures: [Exposure]
  /// `exposures[brandStart[b]..<brandStart[b + 1]]` are brand `b`'s.
  let brandStart: [Int]
  /// Estimates by brand code, in brand code order.
  let estimates: [BrandEstimate]
  /// Index into `estimates` per brand code, or -1.
  let estimateIndex: [Int]
  let skipped: [Skipped]
  /// Brands never promoted that have store revenue.
  let neverPromoted: [Int32]
  /// Posts whose brand could not be told (no tracked orders of their campaign or influencer).
  let postsWithoutBrand: Int
  /// Whether posts carry campaigns (so lift answers by campaign).
  let hasCampaigns: Bool
  /// Rows of store_orders.
  var storeRows: Int

  /// Estimates the model; nil when the data has no `store_orders`.
  ///
  /// - Complexity: O(*s* + *t* + *p* + *c*) in store, tracking and post rows and calendar days
  ///   *c* of store_orders, plus O(*b*² *d*) for *b* brands over *d* store days.
  init?(store: Store) {
    guard let orders = store.data.storeOrders else { return nil }
    let data = store.data
    storeRows = orders.rowCount
    let sBrandColumn = orders.strings("brand")
    let tracking = data.tracking
    let tBrandColumn = tracking.strings("brand")
    let posts = data.posts
    hasCampaigns = posts.has("campaign")
    // Brand codes share one dictionary (one domain); size every array by the largest code seen.
    var brandCount = max(sBrandColumn.dictionary.count, tBrandColumn.dictionary.count)
    for c in sBrandColumn.codes where Int(c) >= brandCount { brandCount = Int(c) + 1 }
    for c in tBrandColumn.codes where Int(c) >= brandCount { brandCount = Int(c) + 1 }

    // Post → brand: the campaign's top brand by tracked revenue, else the influencer's.
    let tBrand = tBrandColumn.codes
    let tInfl = tracking.strings("influencer_id").codes
    let tRevenue = tracking.integers("revenue")
    let tCampaign: ContiguousArray<Int32>? =
      tracking.has("campaign") ? tracking.strings("campaign").codes : nil
    let campaignBrand = tCampaign.map {
      LiftModel.topBrands(keys: $0, brands: tBrand, revenue: tRevenue, brandCount: brandCount)
    }
    let influencerBrand = LiftModel.topBrands(
      keys: tInfl, brands: tBrand, revenue: tRevenue, brandCount: brandCount)

    let pInfl = posts.strings("influencer_id").codes
    let pDay = posts.dates("date")
    let pCampaign: ContiguousArray<Int32>? = hasCampaigns ? posts.strings("campaign").codes : nil
    let pPlatform = posts.strings("platform").codes
    var postBrand = [Int32](repeating: -1, count: posts.rowCount)
    var unbranded = 0
    var minPostDay = Int32.max
    var maxPostDay = Int32.min
    for p in 0..<posts.rowCount {
      let campaign = pCampaign?[p] ?? -1
      var brand: Int32 = -1
      if campaign >= 0, let campaignBrand, Int(campaign) < campaignBrand.count {
        brand = campaignBrand[Int(campaign)]
      }
      if brand < 0, pInfl[p] >= 0, Int(pInfl[p]) < influencerBrand.count {
        brand = influencerBrand[Int(pInfl[p])]
      }
      guard brand >= 0 else {
        unbranded += 1
        continue
      }
      postBrand[p] = brand
      minPostDay = min(minPostDay, pDay[p])
      maxPostDay = max(maxPostDay, pDay[p])
    }
    postsWithoutBrand = unbranded
    // Posts in (brand, day) order: two stable counting sorts (day, then brand), then merged
    // within each brand-day by influencer, campaign and platform in order of first post.
    var grouped: [Exposure] = []
    var brandStart = [Int](repeating: 0, count: brandCount + 1)
    if minPostDay <= maxPostDay {
      let span = Int(maxPostDay) - Int(minPostDay) + 1
      var byDay = LiftModel.countingSort(
        (0..<posts.rowCount).filter { postBrand[$0] >= 0 }, buckets: span
      ) { Int(pDay[$0]) - Int(minPostDay) }
      byDay = LiftModel.countingSort(byDay, buckets: brandCount) { Int(postBrand[$0]) }
      struct Key: Hashable {
        var influencer: Int32
        var campaign: Int32
        var platform: Int32
      }
      var index: [Key: Int] = [:]
      var i = 0
      while i < byDay.count {
        let brand = postBrand[byDay[i]]
        let day = pDay[byDay[i]]
        index.removeAll(keepingCapacity: true)
        var j = i
        while j < byDay.count, postBrand[byDay[j]] == brand, pDay[byDay[j]] == day {
          let p = byDay[j]
          let key = Key(influencer: pInfl[p], campaign: pCampaign?[p] ?? -1, platform: pPlatform[p])
          if let k = index[key] {
            grouped[k].posts += 1
          } else {
            index[key] = grouped.count
            grouped.append(
              Exposure(
                brand: brand, day: day, influencer: key.influencer, campaign: key.campaign,
                postPlatform: key.platform, posts: 1))
          }
          j += 1
        }
        i = j
      }
    }
    for e in grouped { brandStart[Int(e.brand) + 1] += 1 }
    for b in 0..<brandCount { brandStart[b + 1] += brandStart[b] }
    exposures = grouped
    self.brandStart = brandStart

    // The brand × store-day revenue panel of store_orders.
    let sDay = orders.dates("date")
    let sBrand = sBrandColumn.codes
    let sRevenue = orders.integers("revenue")
    var lo = Int32.max
    var hi = Int32.min
    for d in sDay {
      lo = min(lo, d)
      hi = max(hi, d)
    }
    if lo > hi { (lo, hi) = (store.minDay, store.minDay) }
    firstDay = lo
    lastDay = hi
    let calendarDays = Int(hi) - Int(lo) + 1
    var dayIndex = [Int32](repeating: -1, count: calendarDays)
    for d in sDay { dayIndex[Int(d) - Int(lo)] = 0 }
    var days: [Int32] = []
    for i in 0..<calendarDays where dayIndex[i] == 0 {
      dayIndex[i] = Int32(days.count)
      days.append(Int32(Int(lo) + i))
    }
    storeDays = days
    storeDayIndex = dayIndex
    let dayCount = days.count
    self.dayCount = dayCount
    /// The store-day index of a calendar day, or nil.
    func storeDay(_ day: Int) -> Int? {
      let i = day - Int(lo)
      guard i >= 0, i < calendarDays, dayIndex[i] >= 0 else { return nil }
      return Int(dayIndex[i])
    }
    var revenue = [Double](repeating: 0, count: brandCount * dayCount)
    var sold = [Bool](repeating: false, count: brandCount)
    for r in 0..<orders.rowCount {
      revenue[Int(sBrand[r]) * dayCount + Int(dayIndex[Int(sDay[r]) - Int(lo)])] += Double(
        sRevenue[r])
      sold[Int(sBrand[r])] = true
    }

    // Onsets and exposure per brand-day.
    var onset = [Int32](repeating: .max, count: brandCount)
    var exposure = [Double](repeating: 0, count: brandCount * dayCount)
    for e in grouped {
      onset[Int(e.brand)] = min(onset[Int(e.brand)], e.day)
      for (k, w) in LiftModel.kernel.enumerated() {
        if let d = storeDay(Int(e.day) + k) {
          exposure[Int(e.brand) * dayCount + d] += w * Double(e.posts)
        }
      }
    }
    neverPromoted = (0..<brandCount).filter { sold[$0] && onset[$0] == .max }.map { Int32($0) }

    var cells = [Cell?](repeating: nil, count: brandCount * dayCount)
    var estimates: [BrandEstimate] = []
    var skipped: [Skipped] = []
    let lastLiftDay = min(hi, store.maxDay)
    for b in 0..<brandCount where onset[b] != .max {
      let start = onset[b]
      func series(_ c: Int, _ d: Int) -> Double { revenue[c * dayCount + d] }
      if orders.rowCount == 0 {
        skipped.append(Skipped(brand: Int32(b), reason: "store_orders.csv has no rows"))
        continue
      }
      if !sold[b] {
        skipped.append(Skipped(brand: Int32(b), reason: "it has no rows in store_orders"))
        continue
      }
      if start > hi {
        skipped.append(
          Skipped(brand: Int32(b), reason: "its first post comes after the last store order"))
        continue
      }
      // Store days before the first post.
      let preDays = LiftModel.countBelow(start, in: days)
      if preDays < LiftModel.minimumPreDays {
        skipped.append(
          Skipped(
            brand: Int32(b),
            reason: preDays <= 0
              ? "store_orders start after its first post, so there is no before-period"
              : "only \(preDays) day\(preDays == 1 ? "" : "s") of store orders before its first post (\(LiftModel.minimumPreDays) needed)"
          ))
        continue
      }
      let preTotal = (0..<preDays).reduce(0.0) { $0 + series(b, $1) }
      guard preTotal > 0 else {
        skipped.append(Skipped(brand: Int32(b), reason: "no store revenue before its first post"))
        continue
      }
      let controlPre = (0..<brandCount).map { c in (0..<preDays).reduce(0.0) { $0 + series(c, $1) }
      }
      func pool(on day: Int32) -> [Int] {
        (0..<brandCount).filter { $0 != b && onset[$0] > day && controlPre[$0] > 0 }
      }
      let initial = pool(on: start)
      guard !initial.isEmpty else {
        skipped.append(
          Skipped(
            brand: Int32(b),
            reason:
              "no control brand: every other brand of store_orders is promoted from the same day or earlier"
          ))
        continue
      }
      // Residuals against the first-day controls over the pre-period.
      let r0 = preTotal / initial.reduce(0.0) { $0 + controlPre[$1] }
      var residuals: [(t: Double, u: Double)] = []
      var sumP = 0.0
      var sumP2 = 0.0
      for d in 0..<preDays {
        let p = initial.reduce(0.0) { $0 + series($1, d) }
        sumP += p
        sumP2 += p * p
        guard p > 0 else { continue }
        residuals.append((Double(Int(days[d]) - Int(lo)), series(b, d) / (r0 * p) - 1))
      }
      let n = residuals.count
      guard n >= LiftModel.minimumPreDays else {
        skipped.append(
          Skipped(
            brand: Int32(b),
            reason:
              "its controls sold on only \(n) day\(n == 1 ? "" : "s") before its first post (\(LiftModel.minimumPreDays) needed)"
          ))
        continue
      }
      let variance = residuals.reduce(0.0) { $0 + $1.u * $1.u } / Double(n - 1)
      let trend = LiftModel.trend(residuals)
      var estimate = BrandEstimate(
        brand: Int32(b), onset: start, preDays: preDays, residualDays: n, ratio: r0,
        controls: initial.map { Int32($0) },
        residualVariance: variance, ratioFactor: sumP > 0 ? sumP2 / (sumP * sumP) : 0,
        slope: trend.slope,
        slopeT: trend.t, trendPasses: trend.passes, liftDays: 0, daysWithoutControls: 0, lift: 0,
        counterfactual: 0)
      var ratios: [[Int]: Double] = [:]
      for d in preDays..<dayCount where days[d] <= lastLiftDay {
        let day = days[d]
        let e = exposure[b * dayCount + d]
        guard e > 0 else { continue }
        let controls = pool(on: day)
        guard !controls.isEmpty else {
          estimate.daysWithoutControls += 1
          continue
        }
        let ratio =
          ratios[controls]
          ?? {
            let r = preTotal / controls.reduce(0.0) { $0 + controlPre[$1] }
            ratios[controls] = r
            return r
          }()
        let counterfactual = ratio * controls.reduce(0.0) { $0 + series($1, d) }
        let lift = series(b, d) - counterfactual
        cells[b * dayCount + d] = Cell(lift: lift, counterfactual: counterfactual, exposure: e)
        estimate.liftDays += 1
        estimate.lift += lift
        estimate.counterfactual += counterfactual
      }
      estimates.append(estimate)
    }
    self.cells = cells
    self.estimates = estimates
    var estimateIndex = [Int](repeating: -1, count: brandCount)
    for (i, e) in estimates.enumerated() { estimateIndex[Int(e.brand)] = i }
    self.estimateIndex = estimateIndex
    self.skipped = skipped
  }

  /// Number of brand codes the model's arrays cover.
  var brandCount: Int { brandStart.count - 1 }

  /// The estimate of `brand`, if it has one.
  func estimate(of brand: Int32) -> BrandEstimate? {
    guard brand >= 0, Int(brand) < estimateIndex.count, estimateIndex[Int(brand)] >= 0 else {
      return nil
    }
    return estimates[estimateIndex[Int(brand)]]
  }

  /// Per key code (campaign or influencer): the brand with the most revenue among its rows (ties:
  /// the lower brand code), or -1 for a key without rows.
  ///
  /// - Complexity: O(*n* + *k* × *b*) with a flat table when *k* × *b* is small, else O(*n*)
  ///   expected with a hash table.
  static func topBrands(
    keys: ContiguousArray<Int32>, brands: ContiguousArray<Int32>, revenue: ContiguousArray<Int64>,
    brandCount: Int
  ) -> [Int32] {
    var keyCount = 0
    for k in keys where Int(k) >= keyCount { keyCount = Int(k) + 1 }
    var top = [Int32](repeating: -1, count: keyCount)
    guard brandCount > 0 else { return top }
    let (cells, overflow) = keyCount.multipliedReportingOverflow(by: brandCount)
    if !overflow, cells <= 1 << 22 {
      var sums = [Int64](repeating: 0, count: cells)
      var seen = [Bool](repeating: false, count: cells)
      for r in keys.indices where keys[r] >= 0 && brands[r] >= 0 {
        let i = Int(keys[r]) * brandCount + Int(brands[r])
        sums[i] &+= revenue[r]
        seen[i] = true
      }
      for k in 0..<keyCount {
        var best: Int64 = .min
        for b in 0..<brandCount where seen[k * brandCount + b] && sums[k * brandCount + b] > best {
          best = sums[k * brandCount + b]
          top[k] = Int32(b)
        }
      }
    } else {
      var sums: [Int: Int64] = [:]
      for r in keys.indices where keys[r] >= 0 && brands[r] >= 0 {
        sums[Int(keys[r]) * brandCount + Int(brands[r]), default: 0] &+= revenue[r]
      }
      var best = [Int64](repeating: .min, count: keyCount)
      for (i, v) in sums {
        let k = i / brandCount
        let b = Int32(i % brandCount)
        if v > best[k] || (v == best[k] && b < top[k]) {
          best[k] = v
          top[k] = b
        }
      }
    }
    return top
  }

  /// Number of elements of ascending `sorted` below `value`.
  ///
  /// - Complexity: O(log *n*).
  static func countBelow(_ value: Int32, in sorted: [Int32]) -> Int {
    var lo = 0
    var hi = sorted.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// `items` stably sorted by `bucket` (in `0..<buckets`).
  ///
  /// - Complexity: O(*n* + *buckets*).
  static func countingSort(_ items: [Int], buckets: Int, _ bucket: (Int) -> Int) -> [Int] {
    var start = [Int](repeating: 0, count: buckets + 1)
    for i in items { start[bucket(i) + 1] += 1 }
    for b in 0..<buckets { start[b + 1] += start[b] }
    var out = [Int](repeating: 0, count: items.count)
    for i in items {
      let b = bucket(i)
      out[start[b]] = i
      start[b] += 1
    }
    return out
  }

  /// Least-squares slope of residuals over time, its *t* statistic and whether it passes at 5%.
  static func trend(_ points: [(t: Double, u: Double)]) -> (slope: Double, t: Double, passes: Bool)
  {
    let n = points.count
    guard n >= 3 else { return (0, 0, true) }
    let mt = points.reduce(0.0) { $0 + $1.t } / Double(n)
    let mu = points.reduce(0.0) { $0 + $1.u } / Double(n)
    var sxx = 0.0
    var sxy = 0.0
    for p in points {
      sxx += (p.t - mt) * (p.t - mt)
      sxy += (p.t - mt) * (p.u - mu)
    }
    guard sxx > 0 else { return (0, 0, true) }
    let slope = sxy / sxx
    var rss = 0.0
    for p in points {
      let e = p.u - mu - slope * (p.t - mt)
      rss += e * e
    }
    let se = (rss / Double(n - 2) / sxx).squareRoot()
    // A perfect line: any nonzero slope is a trend; a flat one is none.
    guard se > 1e-12 else {
      return (slope, slope.magnitude > 1e-12 ? .infinity : 0, slope.magnitude <= 1e-12)
    }
    let t = slope / se
    return (slope, t, t.magnitude <= studentT(degreesOfFreedom: n - 2))
  }

  /// The two-sided 95% critical value of Student's *t*.
  static func studentT(degreesOfFreedom df: Int) -> Double {
    let table: [(Int, Double)] = [
      (1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (6, 2.447), (7, 2.365),
      (8, 2.306),
      (9, 2.262), (10, 2.228), (12, 2.179), (15, 2.131), (20, 2.086), (25, 2.060), (30, 2.042),
      (40, 2.021), (60, 2.000), (120, 1.980),
    ]
    guard df >= 1 else { return table[0].1 }
    // The entry at or below df: conservative between table rows.
    var value = 1.96
    for (d, t) in table.reversed() where df >= d {
      value = t
      break
    }
    return df > 120 ? 1.96 : value
  }
}
