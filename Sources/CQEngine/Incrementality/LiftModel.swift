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
    var preDays: Int
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
    var degreesOfFreedom: Int { max(preDays - 1, 1) }
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
  /// Brand-day cells, index `brand × dayCount + (day − firstDay)`.
  let cells: [Int: Cell]
  let dayCount: Int
  let exposures: [Exposure]
  /// Estimates by brand code, in brand code order.
  let estimates: [BrandEstimate]
  let skipped: [Skipped]
  /// Brands never promoted that have store revenue.
  let neverPromoted: [Int32]
  /// Posts whose brand could not be told (no tracked orders of their campaign or influencer).
  let postsWithoutBrand: Int
  /// Whether posts carry campaigns (so lift answers by campaign).
  let hasCampaigns: Bool

  /// Estimates the model; nil when the data has no `store_orders`.
  ///
  /// - Complexity: O(*s* + *t* + *p*) in store, tracking and post rows, plus O(*b*² *d*) for *b*
  ///   brands over *d* store days.
  init?(store: Store) {
    guard let orders = store.data.storeOrders else { return nil }
    let data = store.data
    // Post → brand: the campaign's top brand by tracked revenue, else the influencer's.
    let tracking = data.tracking
    let tBrand = tracking.strings("brand").codes
    let tInfl = tracking.strings("influencer_id").codes
    let tRevenue = tracking.integers("revenue")
    let tCampaign: ContiguousArray<Int32>? = tracking.has("campaign") ? tracking.strings("campaign").codes : nil
    var byCampaign: [Int32: [Int32: Int64]] = [:]
    var byInfluencer: [Int32: [Int32: Int64]] = [:]
    for r in 0..<tracking.rowCount {
      if let tCampaign { byCampaign[tCampaign[r], default: [:]][tBrand[r], default: 0] &+= tRevenue[r] }
      byInfluencer[tInfl[r], default: [:]][tBrand[r], default: 0] &+= tRevenue[r]
    }
    func top(_ revenue: [Int32: Int64]?) -> Int32? {
      revenue?.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }
    let campaignBrand = byCampaign.mapValues { top($0) ?? -1 }
    let influencerBrand = byInfluencer.mapValues { top($0) ?? -1 }

    let posts = data.posts
    hasCampaigns = posts.has("campaign")
    let pInfl = posts.strings("influencer_id").codes
    let pDay = posts.dates("date")
    let pCampaign: ContiguousArray<Int32>? = hasCampaigns ? posts.strings("campaign").codes : nil
    let pPlatform = posts.strings("platform").codes
    var grouped: [Exposure] = []
    var index: [[Int32]: Int] = [:]
    var unbranded = 0
    for p in 0..<posts.rowCount {
      let campaign = pCampaign?[p] ?? -1
      let brand = (campaign >= 0 ? campaignBrand[campaign] : nil) ?? influencerBrand[pInfl[p]] ?? -1
      guard brand >= 0 else {
        unbranded += 1
        continue
      }
      let key = [brand, pDay[p], pInfl[p], campaign, pPlatform[p]]
      if let i = index[key] {
        grouped[i].posts += 1
      } else {
        index[key] = grouped.count
        grouped.append(
          Exposure(
            brand: brand, day: pDay[p], influencer: pInfl[p], campaign: campaign, postPlatform: pPlatform[p],
            posts: 1))
      }
    }
    exposures = grouped
    postsWithoutBrand = unbranded

    // The brand × day revenue panel of store_orders.
    let sDay = orders.dates("date")
    let sBrandColumn = orders.strings("brand")
    let sBrand = sBrandColumn.codes
    let sRevenue = orders.integers("revenue")
    var lo = Int32.max, hi = Int32.min
    for d in sDay {
      lo = min(lo, d)
      hi = max(hi, d)
    }
    if lo > hi { (lo, hi) = (store.minDay, store.minDay) }
    firstDay = lo
    lastDay = hi
    let days = Int(hi - lo) + 1
    dayCount = days
    let brandCount = max(sBrandColumn.dictionary.count, (grouped.map { Int($0.brand) }.max() ?? -1) + 1)
    var revenue = [Double](repeating: 0, count: brandCount * days)
    var sold = [Bool](repeating: false, count: brandCount)
    for r in 0..<orders.rowCount {
      revenue[Int(sBrand[r]) * days + Int(sDay[r] - lo)] += Double(sRevenue[r])
      sold[Int(sBrand[r])] = true
    }

    // Onsets and exposure per brand-day.
    var onset = [Int32](repeating: .max, count: brandCount)
    var exposure = [Double](repeating: 0, count: brandCount * days)
    for e in grouped {
      onset[Int(e.brand)] = min(onset[Int(e.brand)], e.day)
      for (k, w) in LiftModel.kernel.enumerated() {
        let d = Int(e.day) + k - Int(lo)
        if d >= 0, d < days { exposure[Int(e.brand) * days + d] += w * Double(e.posts) }
      }
    }
    neverPromoted = (0..<brandCount).filter { sold[$0] && onset[$0] == .max }.map { Int32($0) }

    var cells: [Int: Cell] = [:]
    var estimates: [BrandEstimate] = []
    var skipped: [Skipped] = []
    let lastLiftDay = min(hi, store.maxDay)
    for b in 0..<brandCount where onset[b] != .max {
      let start = onset[b]
      let preDays = Int(start - lo)
      func series(_ c: Int, _ d: Int) -> Double { revenue[c * days + d] }
      if start > hi {
        skipped.append(Skipped(brand: Int32(b), reason: "its first post comes after the last store order"))
        continue
      }
      if preDays < LiftModel.minimumPreDays {
        skipped.append(
          Skipped(
            brand: Int32(b),
            reason: preDays <= 0
              ? "store_orders start after its first post, so there is no before-period"
              : "only \(preDays) day\(preDays == 1 ? "" : "s") of store orders before its first post (\(LiftModel.minimumPreDays) needed)"))
        continue
      }
      let preTotal = (0..<preDays).reduce(0.0) { $0 + series(b, $1) }
      guard preTotal > 0 else {
        skipped.append(Skipped(brand: Int32(b), reason: "no store revenue before its first post"))
        continue
      }
      let controlPre = (0..<brandCount).map { c in (0..<preDays).reduce(0.0) { $0 + series(c, $1) } }
      func pool(on day: Int32) -> [Int] {
        (0..<brandCount).filter { $0 != b && onset[$0] > day && controlPre[$0] > 0 }
      }
      let initial = pool(on: start)
      guard !initial.isEmpty else {
        skipped.append(
          Skipped(
            brand: Int32(b),
            reason: "no control brand: every other brand of store_orders is promoted from the same day or earlier"))
        continue
      }
      // Residuals against the first-day controls over the pre-period.
      let r0 = preTotal / initial.reduce(0.0) { $0 + controlPre[$1] }
      var residuals: [(t: Double, u: Double)] = []
      var sumP = 0.0, sumP2 = 0.0
      for d in 0..<preDays {
        let p = initial.reduce(0.0) { $0 + series($1, d) }
        sumP += p
        sumP2 += p * p
        guard p > 0 else { continue }
        residuals.append((Double(d), series(b, d) / (r0 * p) - 1))
      }
      let n = residuals.count
      let variance = n > 1 ? residuals.reduce(0.0) { $0 + $1.u * $1.u } / Double(n - 1) : 0
      let trend = LiftModel.trend(residuals)
      var estimate = BrandEstimate(
        brand: Int32(b), onset: start, preDays: preDays, ratio: r0, controls: initial.map { Int32($0) },
        residualVariance: variance, ratioFactor: sumP > 0 ? sumP2 / (sumP * sumP) : 0, slope: trend.slope,
        slopeT: trend.t, trendPasses: trend.passes, liftDays: 0, daysWithoutControls: 0, lift: 0, counterfactual: 0)
      var ratios: [[Int]: Double] = [:]
      if start <= lastLiftDay {
        for day in start...lastLiftDay {
          let d = Int(day - lo)
          let e = exposure[b * days + d]
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
          cells[b * days + d] = Cell(lift: lift, counterfactual: counterfactual, exposure: e)
          estimate.liftDays += 1
          estimate.lift += lift
          estimate.counterfactual += counterfactual
        }
      }
      estimates.append(estimate)
    }
    self.cells = cells
    self.estimates = estimates
    self.skipped = skipped
  }

  /// The estimate of `brand`, if it has one.
  func estimate(of brand: Int32) -> BrandEstimate? {
    estimates.first { $0.brand == brand }
  }

  /// Least-squares slope of residuals over time, its *t* statistic and whether it passes at 5%.
  static func trend(_ points: [(t: Double, u: Double)]) -> (slope: Double, t: Double, passes: Bool) {
    let n = points.count
    guard n >= 3 else { return (0, 0, true) }
    let mt = points.reduce(0.0) { $0 + $1.t } / Double(n)
    let mu = points.reduce(0.0) { $0 + $1.u } / Double(n)
    var sxx = 0.0, sxy = 0.0
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
    guard se > 1e-12 else { return (slope, slope.magnitude > 1e-12 ? .infinity : 0, slope.magnitude <= 1e-12) }
    let t = slope / se
    return (slope, t, t.magnitude <= studentT(degreesOfFreedom: n - 2))
  }

  /// The two-sided 95% critical value of Student's *t*.
  static func studentT(degreesOfFreedom df: Int) -> Double {
    let table: [(Int, Double)] = [
      (1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (6, 2.447), (7, 2.365), (8, 2.306),
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
