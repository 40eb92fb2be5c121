#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One simulated influencer and the hidden traits that shape its facts.
struct Influencer {
  var id: Int
  /// The display name, CSV-encoded.
  var name: [UInt8]
  /// An ASCII handle for post URLs, such as `aaravsharma17`.
  var handle: [UInt8]
  var category: Int
  var gender: Int
  var platform: Int
  var followers: Int
  /// Paid per post (mostly) rather than per order: posts little, often at a loss.
  var sponsored: Bool
  /// Relative posting frequency: 1...2 for sponsored creators, 2...30 for affiliates.
  var activity: Int
  /// Conversion strength in percent (3...12 for duds, else 40...400).
  ///
  /// How many orders a unit of engagement turns into. Hidden; it is what makes some deals lose
  /// money.
  var quality: Int
  /// Typical likes per thousand reached, 15...90.
  var engagement: Int
  /// The campaigns (indexes into `Vocabulary.campaigns`) the influencer is signed to.
  var campaigns: [Int]
}

/// One post of a chunk, before it is written.
struct Post {
  var influencer: Int32
  var campaign: UInt8
  var platform: UInt8
  var day: UInt8
  var caption: Int32
  var reach: Int32
  var likes: Int32
  var comments: Int32
  /// How strongly the post drives orders: (√engagements + 25) × the author's quality, × 3
  /// for a sponsored creator's post.
  var weight: UInt32
}

/// One tracking row of a chunk, before it is written.
struct Sale {
  var day: UInt8
  var product: UInt8
  var source: UInt8
  var orders: UInt8
  var post: Int32
  var user: Int32
  var revenue: Int32
}

/// The state of one simulation run: influencers, per-pair totals, encoded vocabulary.
struct Generator {
  let options: SimulatorOptions
  let seed: UInt64
  var influencers: [Influencer] = []
  /// Running sums of `activity`, for picking a post's author.
  var activityPrefix: [Int] = []

  /// Per (influencer, campaign) pair, index `influencer × 10 + campaign`.
  var pairPosts: [Int]
  var pairOrders: [Int64]
  var pairRevenue: [Int64]

  let platformFields = Vocabulary.platforms.map(Vocabulary.csvField)
  let sourceFields = Vocabulary.sources.map(Vocabulary.csvField)
  let campaignFields = Vocabulary.campaigns.map { Vocabulary.csvField($0.name) }
  let brandFields = Vocabulary.brands.map(Vocabulary.csvField)
  let productFields = Vocabulary.products.map { Vocabulary.csvField($0.name) }
  let categoryFields = Vocabulary.categories.map(Vocabulary.csvField)
  let genderFields = Vocabulary.genders.map(Vocabulary.csvField)
  /// Encoded captions, index `(brand × templates + template) × 8 + product`.
  let captions: [[UInt8]]
  let captionWeights = Vocabulary.captionTemplates.map(\.weight)
  let userMultiplier: Int
  let userOffset: Int
  let urlKey: UInt64
  let nameOffset: Int

  init(options: SimulatorOptions) {
    self.options = options
    self.seed = options.seed
    let pairs = options.influencerCount * Vocabulary.campaigns.count
    pairPosts = Array(repeating: 0, count: pairs)
    pairOrders = Array(repeating: 0, count: pairs)
    pairRevenue = Array(repeating: 0, count: pairs)
    var captions: [[UInt8]] = []
    for brand in Vocabulary.brands {
      for template in Vocabulary.captionTemplates {
        for product in Vocabulary.products where Vocabulary.brands[product.brand] == brand {
          let text = template.text.replacing("{p}", with: product.name)
            .replacing("{b}", with: brand)
          captions.append(Vocabulary.csvField(text))
        }
      }
    }
    self.captions = captions
    var layout = SplitMix64(seed: options.seed, stream: Simulator.Stream.layout, index: 0)
    let users = options.userCount
    // A multiplier coprime with the user count turns buyer ranks into scattered user numbers.
    let primes = [1_000_003, 999_983, 104_729, 7_919]
    userMultiplier = primes.first { users % $0 != 0 } ?? 1
    userOffset = layout.below(users)
    urlKey = layout.next()
    nameOffset = layout.below(Vocabulary.nameCombinations)
  }

  // MARK: Run

  mutating func run(folder: String, progress: ((Double, String) -> Void)?) throws
    -> SimulatorSummary
  {
    let base = folder.hasSuffix("/") ? folder : folder + "/"
    var files: [SimulatorSummary.File] = []
    progress?(0, "influencers")

    let influencerFile = try CSVWriter(path: base + "influencers.csv")
    try writeInfluencers(to: influencerFile)
    try influencerFile.close()
    files.append(
      .init(name: "influencers.csv", rows: influencerFile.rows, bytes: influencerFile.bytesWritten))

    let postFile = try CSVWriter(path: base + "posts.csv")
    let trackingFile = try CSVWriter(path: base + "tracking_data.csv")
    try postFile.header([
      "influencer_id", "platform", "date", "url", "caption", "reach", "likes", "comments",
      "campaign",
    ])
    try trackingFile.header([
      "source", "campaign", "influencer_id", "user_id", "product", "brand", "date", "orders",
      "revenue",
    ])
    // store_orders.csv: the pre-period first, tracked orders with each chunk, then the
    // window's organic orders (which depend on the tracked revenue per brand-day).
    let storeFile = options.storeOrders ? try CSVWriter(path: base + "store_orders.csv") : nil
    var tracked = [Int64](repeating: 0, count: Vocabulary.brands.count * Simulator.dayCount)
    if let storeFile {
      try storeFile.header(["date", "user_id", "product", "brand", "orders", "revenue", "source"])
      try writeOrganic(days: 0..<Generator.storePreDays, tracked: [], to: storeFile)
    }
    let chunks = options.scale
    for chunk in 0..<chunks {
      let posts = makePosts(chunk: chunk)
      try write(posts, chunk: chunk, to: postFile)
      let sales = makeSales(chunk: chunk, posts: posts)
      try write(sales, posts: posts, to: trackingFile)
      if let storeFile { try writeStore(sales, posts: posts, to: storeFile, tracked: &tracked) }
      progress?(0.01 + 0.97 * Double(chunk + 1) / Double(chunks), "posts and tracking_data")
    }
    try postFile.close()
    try trackingFile.close()
    files.append(.init(name: "posts.csv", rows: postFile.rows, bytes: postFile.bytesWritten))
    files.append(
      .init(name: "tracking_data.csv", rows: trackingFile.rows, bytes: trackingFile.bytesWritten))

    progress?(0.98, "payouts")
    let payoutFile = try CSVWriter(path: base + "payouts.csv")
    try writePayouts(to: payoutFile)
    try payoutFile.close()
    files.append(.init(name: "payouts.csv", rows: payoutFile.rows, bytes: payoutFile.bytesWritten))

    let productFile = try CSVWriter(path: base + "products.csv")
    try productFile.header(["product", "brand"])
    for (i, product) in Vocabulary.products.enumerated() {
      productFile.bytes(productFields[i])
      productFile.comma()
      productFile.bytes(brandFields[product.brand])
      try productFile.endRow()
    }
    try productFile.close()
    files.append(
      .init(name: "products.csv", rows: productFile.rows, bytes: productFile.bytesWritten))
    if let storeFile {
      progress?(0.99, "store_orders")
      try writeOrganic(
        days: Generator.storePreDays..<Generator.storeDayCount, tracked: tracked, to: storeFile)
      try storeFile.close()
      files.append(
        .init(name: "store_orders.csv", rows: storeFile.rows, bytes: storeFile.bytesWritten))
    }
    // A store_orders.csv left by an earlier `--store-orders` run describes another data set:
    // loading it would measure lift against the wrong baseline.
    var removed: [String] = []
    if !options.storeOrders, access(base + "store_orders.csv", F_OK) == 0 {
      guard unlink(base + "store_orders.csv") == 0 else {
        throw SimulatorError(
          .cannotWrite, path: base + "store_orders.csv",
          reason: "an earlier run's file would not match this data set, and it cannot be removed: "
            + String(cString: strerror(errno)))
      }
      removed.append("store_orders.csv")
    }
    progress?(1, "done")
    return SimulatorSummary(folder: folder, files: files, removed: removed)
  }
}
