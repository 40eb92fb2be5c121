extension Generator {
  /// The tracking rows driven by one chunk of posts, sorted by date.
  ///
  /// Each row picks a post in proportion to its weight (`Post.weight`: engagement, the
  /// author's hidden quality, sponsorship), so engaging posts by converting influencers drive
  /// more orders. The sale lands on the post's day or a few days later (38% same day,
  /// geometric after), inside the window.
  /// 88% of sales are of the campaign's brand, the rest cross-brand; the source follows the
  /// post's platform three times in four, else `google` or `direct`. Buyers are drawn with a
  /// skew, so many buy more than once.
  func makeSales(chunk: Int, posts: [Post]) -> [Sale] {
    var rng = SplitMix64(seed: seed, stream: Simulator.Stream.tracking, index: UInt64(chunk))
    var prefix: [UInt64] = []
    prefix.reserveCapacity(posts.count)
    var total: UInt64 = 0
    for post in posts {
      total += UInt64(post.weight)
      prefix.append(total)
    }
    var sales: [Sale] = []
    sales.reserveCapacity(Simulator.trackingPerChunk)
    let users = options.userCount
    let brands = Vocabulary.brands.count
    let perBrand = Vocabulary.productsPerBrand
    guard !posts.isEmpty else { return [] }
    for _ in 0..<Simulator.trackingPerChunk {
      let p: Int
      if total > 0 {
        let r = UInt64(rng.below(Int(clamping: total)))
        var low = 0
        var high = prefix.count - 1
        while low < high {
          let mid = (low + high) / 2
          if prefix[mid] > r { high = mid } else { low = mid + 1 }
        }
        p = low
      } else {
        p = rng.below(posts.count)
      }
      let post = posts[p]
      var lag = 0
      while lag < 30, rng.chance(62) { lag += 1 }
      let room = Simulator.lastDay - Int(post.day)
      if lag > room { lag %= room + 1 }
      var brand = Vocabulary.campaigns[Int(post.campaign)].brand
      if rng.chance(12) { brand = (brand + 1 + rng.below(brands - 1)) % brands }
      let product = brand * perBrand + rng.pick(Vocabulary.productWeights)
      let roll = rng.below(100)
      let source = roll < 75 ? Int(post.platform) : roll < 88 ? 4 : 5
      // The product of two uniform draws favours low ranks: heavy repeat buyers.
      let rank = rng.below(users) * rng.below(users) / users
      let user = (rank * userMultiplier + userOffset) % users + 1
      let orders = 1 + rng.pick(Vocabulary.orderWeights)
      // Price × a bundle factor × ±20% noise, eased into the ₹20-₹500 range.
      var paise =
        Vocabulary.products[product].price * 100 * (100 + 35 * (orders - 1)) / 100
        * rng.int(in: 80...125) / 100
      if paise > 40_000 { paise = 40_000 + (paise - 40_000) / 10 }
      paise = min(50_000, max(2_000, paise))
      sales.append(
        Sale(
          day: UInt8(Int(post.day) + lag), product: UInt8(product), source: UInt8(source),
          orders: UInt8(orders), post: Int32(p), user: Int32(clamping: user),
          revenue: Int32(paise)))
    }
    return sortedByDay(sales) { $0.day }
  }

  /// Writes one chunk of tracking rows and adds their orders and revenue to the pair totals.
  mutating func write(_ sales: [Sale], posts: [Post], to file: CSVWriter) throws {
    let userPrefix = Array("user_".utf8)
    for sale in sales {
      let post = posts[Int(sale.post)]
      let influencer = Int(post.influencer)
      let pair = influencer * Vocabulary.campaigns.count + Int(post.campaign)
      pairOrders[pair] += Int64(sale.orders)
      pairRevenue[pair] += Int64(sale.revenue)
      let product = Int(sale.product)
      file.bytes(sourceFields[Int(sale.source)])
      file.comma()
      file.bytes(campaignFields[Int(post.campaign)])
      file.comma()
      file.int(influencers[influencer].id)
      file.comma()
      file.bytes(userPrefix)
      file.int(Int(sale.user))
      file.comma()
      file.bytes(productFields[product])
      file.comma()
      file.bytes(brandFields[Vocabulary.products[product].brand])
      file.comma()
      file.bytes(Simulator.dates[Int(sale.day)])
      file.comma()
      file.int(Int(sale.orders))
      file.comma()
      file.money(paise: Int64(sale.revenue))
      try file.endRow()
    }
  }
}
