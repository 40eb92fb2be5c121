extension Generator {
  /// The payout bases, in the order of the weight tables below.
  static let bases = ["post", "order", "commission", "hybrid"].map { Array($0.utf8) }
  static let statuses = ["paid", "pending"].map { Array($0.utf8) }

  /// Writes one payout row per (influencer, campaign) pair that has posts.
  ///
  /// Every pair with tracking rows has posts (tracking rows derive from posts), so this is one
  /// row per pair in `tracking_data` plus the pairs whose posts sold nothing (unattributed
  /// spend). Each pair draws from its own stream, so rows do not depend on chunking.
  ///
  /// - `post`: rate ₹500-₹50,000 per post (rising with followers), total = rate × posts.
  /// - `order`: rate ₹20-₹200 per order, total = rate × `orders`; `orders` is the pair's tracked
  ///   orders except in ~7% of rows (and in every order-basis row without tracked orders),
  ///   where the paid orders differ: the gaps payout reconciliation must find.
  /// - `commission`: rate is a percent (5.0-20.0), total = rate% × the pair's tracked revenue,
  ///   rounded half up to the paisa.
  /// - `hybrid`: rate is the fixed fee (₹2,000-₹20,000), total = fee + ₹20-₹80 × tracked orders
  ///   (the per-order part is not a column).
  ///
  /// `orders` holds the pair's tracked orders for every basis but `order`; `posts` its posts;
  /// `status` is `paid` for about 75% of rows, else `pending`.
  mutating func writePayouts(to file: CSVWriter) throws {
    try file.header([
      "influencer_id", "campaign", "basis", "rate", "orders", "total_payout", "posts", "status",
    ])
    let campaigns = Vocabulary.campaigns.count
    for (index, influencer) in influencers.enumerated() {
      for campaign in 0..<campaigns {
        let pair = index * campaigns + campaign
        let posts = Int64(pairPosts[pair])
        guard posts > 0 else { continue }
        var rng = SplitMix64(seed: seed, stream: Simulator.Stream.payouts, index: UInt64(pair))
        let tracked = pairOrders[pair]
        let revenue = pairRevenue[pair]
        // Sponsored creators are paid per post, affiliates per order or by commission.
        let basis: Int =
          switch (influencer.sponsored, tracked > 0) {
          case (true, true): rng.pick([85, 0, 5, 10])
          case (true, false): rng.pick([90, 0, 0, 10])
          case (false, true): rng.pick([4, 72, 18, 6])
          case (false, false): rng.pick([30, 70, 0, 0])
          }
        let rate: Int64  // paise, or hundredths of a percent for commission
        var orders = tracked
        let total: Int64
        switch basis {
        case 0:
          let raw = (500 + influencer.followers * 3 / 1000) * rng.int(in: 75...135) / 100
          let rupees = min(50_000, max(500, (raw + 25) / 50 * 50))
          rate = Int64(rupees) * 100
          total = rate * posts
        case 1:
          let u = rng.unit()
          rate = Int64(20 + Int(180 * u * u * u)) * 100
          if tracked == 0 {
            orders = Int64(rng.int(in: 1...12))
          } else if rng.chance(7) {
            if rng.chance(80) {
              orders = tracked + max(1, tracked * Int64(rng.int(in: 5...30)) / 100)
            } else {
              orders = max(0, tracked - max(1, tracked * Int64(rng.int(in: 5...20)) / 100))
            }
          }
          total = rate * orders
        case 2:
          let tenths = Int64(rng.int(in: 50...200))
          rate = tenths * 10
          total = (revenue * tenths + 500) / 1000
        default:
          rate = Int64(rng.int(in: 10...100)) * 100 * 100
          let perOrder = Int64(rng.int(in: 20...80)) * 100
          total = rate + perOrder * tracked
        }
        let status = rng.chance(75) ? 0 : 1
        file.int(influencer.id)
        file.comma()
        file.bytes(campaignFields[campaign])
        file.comma()
        file.bytes(Self.bases[basis])
        file.comma()
        file.money(paise: rate)
        file.comma()
        file.int(Int(orders))
        file.comma()
        file.money(paise: total)
        file.comma()
        file.int(Int(posts))
        file.comma()
        file.bytes(Self.statuses[status])
        try file.endRow()
      }
    }
  }
}
