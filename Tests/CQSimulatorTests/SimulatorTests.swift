import CQSimulator
import CQTestSupport
import Foundation
import Testing

/// One scale-1 data set with the default seed, generated once and parsed, shared by the tests.
struct Fixture: Sendable {
  var folder: String
  var summary: SimulatorSummary
  var influencers: CSVFile
  var posts: CSVFile
  var tracking: CSVFile
  var payouts: CSVFile
  var products: CSVFile

  static let scale1: Result<Fixture, any Error> = Result { try Fixture(scale: 1) }

  init(scale: Int) throws {
    let (dir, summary) = try simulate(scale: scale)
    folder = dir
    self.summary = summary
    let path = { (name: String) in URL(fileURLWithPath: dir).appendingPathComponent(name).path }
    influencers = try CSVFile(path: path("influencers.csv"))
    posts = try CSVFile(path: path("posts.csv"))
    tracking = try CSVFile(path: path("tracking_data.csv"))
    payouts = try CSVFile(path: path("payouts.csv"))
    products = try CSVFile(path: path("products.csv"))
  }
}

extension CSVFile: @unchecked Sendable {}

/// The ISO dates of the window 2025-04-23 … 2025-07-22.
let windowDates: Set<String> = {
  var dates: Set<String> = []
  let months = [(4, 23, 30), (5, 1, 31), (6, 1, 30), (7, 1, 22)]
  for (month, first, last) in months {
    for day in first...last { dates.insert(String(format: "2025-%02d-%02d", month, day)) }
  }
  return dates
}()

@Suite struct SimulatorTests {
  @Test func sameSeedSameBytesDifferentSeedDifferentBytes() throws {
    let a = try simulate(seed: 7)
    let b = try simulate(seed: 7)
    let c = try simulate(seed: 8)
    for file in simulatorFiles {
      #expect(try bytes(a.folder, file) == bytes(b.folder, file), "\(file) differs between runs")
    }
    for file in ["influencers.csv", "posts.csv", "tracking_data.csv", "payouts.csv"] {
      #expect(try bytes(a.folder, file) != bytes(c.folder, file), "\(file) ignores the seed")
    }
    #expect(a.summary.files == b.summary.files)
  }

  @Test(arguments: [1, 2]) func rowCountsFollowTheScale(scale: Int) throws {
    let fixture = scale == 1 ? try Fixture.scale1.get() : try Fixture(scale: scale)
    #expect(fixture.influencers.records.count == 500 * scale)
    #expect(fixture.posts.records.count == 10_000 * scale)
    #expect(fixture.tracking.records.count == 20_000 * scale)
    #expect(fixture.products.records.count == 24)
    // Payouts: one per (influencer, campaign) pair that has posts.
    let pairs = Set(
      zip(fixture.posts.column("influencer_id"), fixture.posts.column("campaign")).map {
        "\($0)|\($1)"
      })
    #expect(fixture.payouts.records.count == pairs.count)
    // The summary reports what is on disk.
    let parsed = [
      "influencers.csv": fixture.influencers, "posts.csv": fixture.posts,
      "tracking_data.csv": fixture.tracking, "payouts.csv": fixture.payouts,
      "products.csv": fixture.products,
    ]
    #expect(fixture.summary.files.map(\.name) == simulatorFiles)
    for file in fixture.summary.files {
      #expect(file.rows == parsed[file.name]?.records.count, "\(file.name) rows")
      #expect(file.bytes == (try bytes(fixture.folder, file.name)).count, "\(file.name) bytes")
    }
  }

  @Test func headersAreTheSpecColumns() throws {
    let f = try Fixture.scale1.get()
    #expect(
      f.influencers.header == ["id", "name", "category", "gender", "follower_count", "platform"])
    #expect(
      f.posts.header == [
        "influencer_id", "platform", "date", "url", "caption", "reach", "likes", "comments",
        "campaign",
      ])
    #expect(
      f.tracking.header == [
        "source", "campaign", "influencer_id", "user_id", "product", "brand", "date", "orders",
        "revenue",
      ])
    #expect(
      f.payouts.header == [
        "influencer_id", "campaign", "basis", "rate", "orders", "total_payout", "posts", "status",
      ])
    #expect(f.products.header == ["product", "brand"])
  }

  @Test func influencersCoverEveryTierAndTrickyNames() throws {
    let f = try Fixture.scale1.get()
    #expect(f.influencers.column("id") == (1...500).map(String.init))
    #expect(
      Set(f.influencers.column("category")) == ["Fitness", "Health", "Lifestyle", "Parenting"])
    #expect(Set(f.influencers.column("gender")) == ["Male", "Female", "Other"])
    #expect(Set(f.influencers.column("platform")) == ["Instagram", "YouTube", "Twitter", "TikTok"])
    let followers = f.influencers.column("follower_count").compactMap(Int.init)
    #expect(followers.count == 500)
    #expect(followers.allSatisfy { (1_000...2_000_000).contains($0) })
    let tiers = Set(
      followers.map { n in
        n < 10_000
          ? "nano" : n < 50_000 ? "micro" : n < 500_000 ? "mid" : n < 1_000_000 ? "macro" : "mega"
      })
    #expect(tiers == ["nano", "micro", "mid", "macro", "mega"])
    let names = f.influencers.column("name")
    #expect(names.contains { $0.unicodeScalars.contains { (0x0900...0x097F).contains($0.value) } })
    #expect(names.contains { $0.contains("ë") || $0.contains("é") })
    #expect(names.contains { $0.contains("'") })
    let duplicated = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }
    #expect(
      (1...5).contains(duplicated.count), "a couple of duplicate names, got \(duplicated.keys)")
  }

  @Test func postsHavePlausibleValues() throws {
    let f = try Fixture.scale1.get()
    let ids = Set(f.influencers.column("id"))
    #expect(f.posts.column("influencer_id").allSatisfy(ids.contains))
    #expect(f.posts.column("date").allSatisfy(windowDates.contains))
    #expect(Set(f.posts.column("campaign")) == Set((1...10).map { "Campaign_\($0)" }))
    let urls = f.posts.column("url")
    #expect(Set(urls).count == urls.count, "post URLs are unique")
    #expect(urls.allSatisfy { $0.hasPrefix("https://") })
    for record in f.posts.records {
      guard let reach = Int(record[5]), let likes = Int(record[6]), let comments = Int(record[7])
      else {
        Issue.record("non-integer counts in \(record)")
        continue
      }
      #expect(reach >= 20 && likes <= reach * 12 / 100 + 1 && comments <= likes)
    }
    let captions = f.posts.column("caption")
    #expect(captions.contains { $0.contains(",") })
    #expect(captions.contains { $0.contains("\"") })
    #expect(captions.contains { $0.unicodeScalars.contains { $0.properties.isEmojiPresentation } })
    // Cross-posting: some posts are on another platform than the influencer's.
    let home = Dictionary(
      uniqueKeysWithValues: zip(f.influencers.column("id"), f.influencers.column("platform")))
    let crossPosted = zip(f.posts.column("influencer_id"), f.posts.column("platform")).count {
      home[$0] != $1
    }
    #expect(crossPosted > 100 && crossPosted < 1_500)
  }

  @Test func trackingRowsStayInRange() throws {
    let f = try Fixture.scale1.get()
    let orders = f.tracking.column("orders").map { Int($0) ?? -1 }
    #expect(orders.allSatisfy { (1...9).contains($0) })
    #expect(Set(orders) == Set(1...9))
    let revenue = f.tracking.column("revenue").map { paise($0) ?? -1 }
    #expect(revenue.allSatisfy { (2_000...50_000).contains($0) })
    #expect(f.tracking.column("date").allSatisfy(windowDates.contains))
    #expect(Set(f.tracking.column("campaign")) == Set((1...10).map { "Campaign_\($0)" }))
    #expect(
      Set(f.tracking.column("source"))
        == ["instagram.com", "youtube.com", "t.co", "tiktok.com", "google", "direct"])
    // Brand agrees with products.csv.
    let brandOf = Dictionary(uniqueKeysWithValues: f.products.records.map { ($0[0], $0[1]) })
    #expect(Set(brandOf.values) == ["MuscleBlaze", "HKVitals", "Gritzo"])
    for (product, brand) in zip(f.tracking.column("product"), f.tracking.column("brand")) {
      #expect(brandOf[product] == brand, "\(product) sold as \(brand)")
    }
    // Users who buy more than once, and many users.
    let users = Dictionary(grouping: f.tracking.column("user_id"), by: { $0 }).mapValues(\.count)
    #expect(users.keys.allSatisfy { $0.hasPrefix("user_") && Int($0.dropFirst(5)) != nil })
    #expect(users.count > 2_500 && users.count <= 5_000)
    #expect(users.values.count { $0 > 1 } > 1_000)
    #expect(users.values.count { $0 == 1 } > 100)
  }

  @Test func trackingFollowsPostsOfTheSameInfluencerAndCampaign() throws {
    let f = try Fixture.scale1.get()
    // Earliest post date per (influencer, campaign): every tracking row comes on or after it.
    var firstPost: [String: String] = [:]
    for r in f.posts.records {
      let key = r[0] + "|" + r[8]
      if let d = firstPost[key], d <= r[2] { continue }
      firstPost[key] = r[2]
    }
    for r in f.tracking.records {
      let key = r[2] + "|" + r[1]
      guard let first = firstPost[key] else {
        Issue.record("tracking row for \(key) without a post")
        continue
      }
      #expect(first <= r[6], "sale on \(r[6]) before the first post on \(first)")
    }
  }

  @Test func payoutsAgreeWithTrackedOrdersExceptDeliberateGaps() throws {
    let f = try Fixture.scale1.get()
    var orders: [String: Int64] = [:]
    var revenue: [String: Int64] = [:]
    for r in f.tracking.records {
      let key = r[2] + "|" + r[1]
      orders[key, default: 0] += Int64(r[7]) ?? 0
      revenue[key, default: 0] += paise(r[8]) ?? 0
    }
    var postCount: [String: Int64] = [:]
    for r in f.posts.records { postCount[r[0] + "|" + r[8], default: 0] += 1 }

    var basisCount: [String: Int] = [:]
    var orderRows = 0
    var gaps = 0
    var withoutTracking = 0
    var paid = 0
    var seen: Set<String> = []
    for r in f.payouts.records {
      let key = r[0] + "|" + r[1]
      #expect(seen.insert(key).inserted, "duplicate payout pair \(key)")
      guard let rate = paise(r[3]), let paidOrders = Int64(r[4]), let total = paise(r[5]),
        let posts = Int64(r[6])
      else {
        Issue.record("malformed payout row \(r)")
        continue
      }
      let tracked = orders[key] ?? 0
      if tracked == 0 { withoutTracking += 1 }
      if r[7] == "paid" { paid += 1 } else { #expect(r[7] == "pending") }
      #expect(posts == postCount[key], "posts of \(key)")
      basisCount[r[2], default: 0] += 1
      switch r[2] {
      case "post":
        #expect((50_000...5_000_000).contains(rate))
        #expect(total == rate * posts)
        #expect(paidOrders == tracked)
      case "order":
        orderRows += 1
        #expect((2_000...20_000).contains(rate))
        #expect(total == rate * paidOrders)
        if paidOrders != tracked { gaps += 1 }
      case "commission":
        #expect((500...2_000).contains(rate), "a percent with two decimals")
        #expect(total == ((revenue[key] ?? 0) * rate + 5_000) / 10_000)
        #expect(paidOrders == tracked)
      case "hybrid":
        #expect(paidOrders == tracked)
        #expect(total >= rate)
        if tracked > 0 {
          #expect((total - rate) % tracked == 0)
          #expect((2_000...8_000).contains((total - rate) / tracked))
        } else {
          #expect(total == rate)
        }
      default:
        Issue.record("unknown basis \(r[2])")
      }
    }
    // Every pair with tracking rows is paid for.
    #expect(Set(orders.keys).isSubset(of: seen))
    #expect(Set(basisCount.keys) == ["post", "order", "commission", "hybrid"])
    #expect(basisCount["post", default: 0] > basisCount["order", default: 0])
    #expect(gaps > 0 && gaps * 5 < orderRows, "\(gaps) gaps in \(orderRows) order-basis rows")
    #expect(withoutTracking > 0 && withoutTracking * 10 < f.payouts.records.count)
    let paidShare = Double(paid) / Double(f.payouts.records.count)
    #expect(paidShare > 0.65 && paidShare < 0.85)
  }

  @Test func someInfluencersCostMoreThanTheyReturn() throws {
    let f = try Fixture.scale1.get()
    var revenue: [String: Int64] = [:]
    var payout: [String: Int64] = [:]
    for r in f.tracking.records { revenue[r[2], default: 0] += paise(r[8]) ?? 0 }
    for r in f.payouts.records { payout[r[0], default: 0] += paise(r[5]) ?? 0 }
    let losing = payout.count { revenue[$0.key, default: 0] < $0.value }
    let winning = payout.count { revenue[$0.key, default: 0] > $0.value * 2 }
    #expect(losing > 10, "influencers whose payouts exceed their revenue")
    #expect(winning > 10, "influencers returning more than twice their payout")
    let totalRevenue = revenue.values.reduce(0, +)
    let totalPayout = payout.values.reduce(0, +)
    #expect(totalRevenue > totalPayout, "the programme as a whole pays off")
  }

  @Test func engagingPostsDriveMoreOrders() throws {
    let f = try Fixture.scale1.get()
    // Per influencer: engagements and orders. The most engaging half sells more per influencer.
    var engagements: [String: Int] = [:]
    var orders: [String: Int] = [:]
    for r in f.posts.records {
      engagements[r[0], default: 0] += (Int(r[6]) ?? 0) + (Int(r[7]) ?? 0)
    }
    for r in f.tracking.records { orders[r[2], default: 0] += Int(r[7]) ?? 0 }
    let ranked = engagements.sorted { $0.value > $1.value }.map(\.key)
    let half = ranked.count / 2
    let top = ranked.prefix(half).reduce(0) { $0 + orders[$1, default: 0] }
    let bottom = ranked.suffix(half).reduce(0) { $0 + orders[$1, default: 0] }
    #expect(top > bottom * 3)
  }

  @Test func rejectsBadScaleAndUnwritableFolder() throws {
    #expect(throws: SimulatorError.self) {
      try Simulator.write(
        SimulatorOptions(seed: 1, scale: 0), to: temporaryFolder("zero"), progress: nil)
    }
    do {
      _ = try Simulator.write(
        SimulatorOptions(seed: 1, scale: 0), to: temporaryFolder("zero"), progress: nil)
    } catch SimulatorError.invalidScale {
    } catch { Issue.record("unexpected \(error)") }
    // A folder under a regular file cannot be created.
    let file = temporaryFolder("file")
    try Data("x".utf8).write(to: URL(fileURLWithPath: file))
    do {
      _ = try Simulator.write(SimulatorOptions(seed: 1, scale: 1), to: file + "/out", progress: nil)
      Issue.record("expected an error")
    } catch SimulatorError.cannotCreateFolder {
    } catch { Issue.record("unexpected \(error)") }
    let error = try #require(throws: SimulatorError.self) {
      try Simulator.write(SimulatorOptions(seed: 1, scale: 1), to: file + "/out", progress: nil)
    }
    #expect("\(error)" == "cannot create folder '\(file)/out': '\(file)' is not a folder")
  }

  @Test func progressRunsFromZeroToOne() throws {
    nonisolated(unsafe) var fractions: [Double] = []
    _ = try Simulator.write(SimulatorOptions(seed: 3, scale: 2), to: temporaryFolder("p")) { f, _ in
      fractions.append(f)
    }
    #expect(fractions.first == 0 && fractions.last == 1)
    #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
  }

  /// The committed `data/` is scale 1, seed 20250423, with store orders.
  ///
  /// `CQ_WRITE_BUNDLED_DATA=1` rewrites it and fails, like a snapshot re-record.
  @Test func bundledDataIsReproducible() throws {
    let bundled = TestPaths.bundledData.path
    let options = SimulatorOptions(seed: 20_250_423, scale: 1, storeOrders: true)
    if ProcessInfo.processInfo.environment["CQ_WRITE_BUNDLED_DATA"] == "1" {
      _ = try Simulator.write(options, to: bundled, progress: nil)
      Issue.record("rewrote \(bundled); review it and run again without CQ_WRITE_BUNDLED_DATA")
      return
    }
    let fresh = temporaryFolder("bundled")
    _ = try Simulator.write(options, to: fresh, progress: nil)
    for file in simulatorFiles + ["store_orders.csv"] {
      let committed = try #require(try? bytes(bundled, file), "missing \(bundled)/\(file)")
      #expect(committed == (try bytes(fresh, file)), "\(file) differs from a fresh scale-1 run")
    }
  }
}
