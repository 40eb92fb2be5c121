/// `store_orders.csv` (with `--store-orders`): every order of the store, the baseline that true
/// incrementality needs (SPEC §1, §4).
///
/// The file holds every tracked order (the tracking rows, with their source) plus organic orders
/// per brand × day from 2025-02-26, eight weeks before the first post, to 2025-07-22. Organic
/// revenue of brand *b* on day *d* is
///
///     base_b × weekly(d) × trend(d) × shock(d) × noise(b, d) + (halo − cannibalised) × tracked(b, d)
///
/// where `weekly`, `trend` and `shock` are shared by every brand (so brands move in parallel
/// without posts), `noise` is the brand's own ±7% day noise, and `tracked(b, d)` is the tracked
/// revenue of the brand that day. Posts therefore cause a known lift: each rupee of tracked
/// revenue brings ₹0.35 of untracked halo revenue (people who saw a post and bought without the
/// link or code), while ₹0.15 of it would have been bought anyway (organic buyers who used a
/// code): the true incremental revenue of a brand-day is `trueLiftFactor` × its tracked revenue.
/// TrueBasics and bGREEN are never promoted: the never-treated controls.
extension Generator {
  /// Days of the pre-period before 2025-04-23.
  static let storePreDays = 56
  /// Store days: 2025-02-26 … 2025-07-22.
  static let storeDayCount = storePreDays + Simulator.dayCount

  /// Organic revenue per brand-day at scale 1, in paise: the three promoted brands, then the
  /// two never-promoted ones.
  static let storeBase: [Int64] = [3_000_000, 1_800_000, 1_500_000, 2_000_000, 1_000_000]
  /// Brands only the store sells (never promoted by influencers).
  static let controlBrands = ["TrueBasics", "bGREEN"]
  /// Products of the control brands: name and price in rupees.
  static let controlProducts: [[(name: String, price: Int)]] = [
    [
      ("TrueBasics Multivit Gold", 249), ("TrueBasics Omega-3", 199),
      ("TrueBasics Ashwagandha", 149), ("TrueBasics Liver Detox", 179),
    ],
    [("bGREEN Plant Protein", 329), ("bGREEN Moringa", 99), ("bGREEN Shilajit", 229)],
  ]
  static let controlProductWeights = [[40, 25, 20, 15], [50, 30, 20]]
  /// Weekly seasonality, Monday first (percent).
  static let weekly = [100, 97, 95, 98, 104, 116, 110]
  /// Untracked halo revenue per rupee of tracked revenue, in percent.
  static let haloPercent: Int64 = 35
  /// Tracked revenue that would have been bought anyway, per rupee, in percent.
  static let cannibalisedPercent: Int64 = 15

  /// ISO dates of the store window, `2025-02-26` for store day 0.
  static let storeDates: [[UInt8]] = {
    let monthDays = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    var (month, day) = (2, 26)
    var out: [[UInt8]] = []
    for _ in 0..<storeDayCount {
      out.append(Array("2025-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)".utf8))
      day += 1
      if day > monthDays[month] {
        day = 1
        month += 1
      }
    }
    return out
  }()

  /// A draw with mean 0 and standard deviation 1 (the sum of four uniforms, rescaled).
  static func standardish(_ rng: inout SplitMix64) -> Double {
    let sum = rng.unit() + rng.unit() + rng.unit() + rng.unit()
    return (sum - 2) * 1.732_050_807_568_877_2
  }

  /// The common day factor of store day `day` (weekly × trend × shared shock), the same for
  /// every brand.
  func commonFactor(storeDay day: Int) -> Double {
    var rng = SplitMix64(seed: seed, stream: Simulator.Stream.storeDays, index: UInt64(day))
    // 2025-02-26 is a Wednesday (index 2 from Monday).
    let weekday = (day + 2) % 7
    let trend = 1 + 0.0015 * Double(day)
    let shock = 1 + 0.05 * Generator.standardish(&rng)
    return Double(Generator.weekly[weekday]) / 100 * trend * shock
  }

  /// Writes the tracked orders of one chunk to the store file and adds their revenue to
  /// `tracked` (index `brand × days + day`).
  func writeStore(_ sales: [Sale], posts: [Post], to file: CSVWriter, tracked: inout [Int64]) throws
  {
    let userPrefix = Array("user_".utf8)
    for sale in sales {
      let product = Int(sale.product)
      let brand = Vocabulary.products[product].brand
      tracked[brand * Simulator.dayCount + Int(sale.day)] += Int64(sale.revenue)
      file.bytes(Simulator.dates[Int(sale.day)])
      file.comma()
      file.bytes(userPrefix)
      file.int(Int(sale.user))
      file.comma()
      file.bytes(productFields[product])
      file.comma()
      file.bytes(brandFields[brand])
      file.comma()
      file.int(Int(sale.orders))
      file.comma()
      file.money(paise: Int64(sale.revenue))
      file.comma()
      file.bytes(sourceFields[Int(sale.source)])
      try file.endRow()
    }
  }

  /// Writes the organic orders of store days `days` for every brand; `tracked` holds the
  /// tracked revenue per promoted brand and window day (empty before the window).
  func writeOrganic(days: Range<Int>, tracked: [Int64], to file: CSVWriter) throws {
    let scale = Int64(max(options.scale, 1))
    let brandCount = Vocabulary.brands.count + Generator.controlBrands.count
    for day in days {
      let common = commonFactor(storeDay: day)
      for brand in 0..<brandCount {
        var rng = SplitMix64(
          seed: seed, stream: Simulator.Stream.storeOrders,
          index: UInt64(day * brandCount + brand))
        let noise = 1 + 0.07 * Generator.standardish(&rng)
        var target = Int64(
          (Double(Generator.storeBase[brand] * scale) * common * max(noise, 0.5)).rounded())
        let windowDay = day - Generator.storePreDays
        if brand < Vocabulary.brands.count, windowDay >= 0, !tracked.isEmpty {
          let t = tracked[brand * Simulator.dayCount + windowDay]
          target += t * (Generator.haloPercent - Generator.cannibalisedPercent) / 100
        }
        try writeOrganicRows(brand: brand, storeDay: day, revenue: target, rng: &rng, to: file)
      }
    }
  }

  /// Order rows of one brand-day whose revenue adds up to `revenue` (less a remainder under
  /// ₹20).
  private func writeOrganicRows(
    brand: Int, storeDay: Int, revenue: Int64, rng: inout SplitMix64, to file: CSVWriter
  ) throws {
    let userPrefix = Array("user_".utf8)
    let buyers = options.userCount * 4
    let promoted = brand < Vocabulary.brands.count
    let control = brand - Vocabulary.brands.count
    let brandField =
      promoted ? brandFields[brand] : Vocabulary.csvField(Generator.controlBrands[control])
    var left = revenue
    while left >= 2_000 {
      let price: Int
      let productField: [UInt8]
      if promoted {
        let product = brand * Vocabulary.productsPerBrand + rng.pick(Vocabulary.productWeights)
        price = Vocabulary.products[product].price
        productField = productFields[product]
      } else {
        let i = rng.pick(Generator.controlProductWeights[control])
        price = Generator.controlProducts[control][i].price
        productField = Vocabulary.csvField(Generator.controlProducts[control][i].name)
      }
      let orders = 1 + rng.pick(Vocabulary.orderWeights)
      var paise = price * 100 * (100 + 35 * (orders - 1)) / 100 * rng.int(in: 80...125) / 100
      if paise > 40_000 { paise = 40_000 + (paise - 40_000) / 10 }
      paise = min(50_000, max(2_000, paise))
      let amount = min(Int64(paise), left)
      left -= amount
      let user = 1 + rng.below(buyers)
      file.bytes(Generator.storeDates[storeDay])
      file.comma()
      file.bytes(userPrefix)
      file.int(user)
      file.comma()
      file.bytes(productField)
      file.comma()
      file.bytes(brandField)
      file.comma()
      file.int(orders)
      file.comma()
      file.money(paise: amount)
      file.comma()
      file.bytes(sourceFields[rng.chance(60) ? 5 : 4])
      try file.endRow()
    }
  }
}
