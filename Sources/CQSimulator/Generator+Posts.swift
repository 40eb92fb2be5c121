extension Generator {
  /// The posts of `chunk`, sorted by date (ties keep generation order).
  ///
  /// A post's author is drawn by posting activity, its campaign from the author's campaigns,
  /// its date inside the campaign's run; 6% are cross-posted to another platform. Reach is
  /// 2-60% of followers (1% go viral), likes 1-12% of reach (most on TikTok, least on
  /// Twitter), comments 1-8% of likes.
  func makePosts(chunk: Int) -> [Post] {
    var rng = SplitMix64(seed: seed, stream: Simulator.Stream.posts, index: UInt64(chunk))
    var posts: [Post] = []
    posts.reserveCapacity(Simulator.postsPerChunk)
    let templates = Vocabulary.captionTemplates.count
    let perBrand = Vocabulary.productsPerBrand
    for _ in 0..<Simulator.postsPerChunk {
      let index = pickInfluencer(&rng)
      let author = influencers[index]
      let campaign = author.campaigns[rng.below(author.campaigns.count)]
      let run = Vocabulary.campaigns[campaign]
      let day = rng.int(in: run.firstDay...run.lastDay)
      var platform = author.platform
      if rng.chance(6) { platform = (platform + 1 + rng.below(3)) % Vocabulary.platforms.count }
      let u = rng.unit()
      var reach = author.followers * (20 + Int(580 * u * u)) / 1000
      if rng.chance(1) { reach = reach * rng.int(in: 150...300) / 100 }
      reach = max(reach, 20)
      let typical = author.engagement * Vocabulary.platformEngagement[platform] / 100
      let rate = min(120, max(10, typical * rng.int(in: 60...160) / 100))
      let likes = reach * rate / 1000
      let comments = likes * rng.int(in: 10...80) / 1000
      let template = rng.pick(captionWeights)
      let product = rng.below(perBrand)
      let caption = (run.brand * templates + template) * perBrand + product
      // A sponsored post carries a call to action and a discount code: it converts better.
      let weight =
        (Double(likes + comments).squareRoot() + 25) * Double(author.quality)
        * (author.sponsored ? 3 : 1)
      posts.append(
        Post(
          influencer: Int32(index), campaign: UInt8(campaign), platform: UInt8(platform),
          day: UInt8(day), caption: Int32(caption), reach: Int32(clamping: reach),
          likes: Int32(clamping: likes), comments: Int32(clamping: comments),
          weight: UInt32(min(weight, Double(UInt32.max / 2)))))
    }
    return sortedByDay(posts) { $0.day }
  }

  /// Writes one chunk of posts and counts them per (influencer, campaign) pair.
  mutating func write(_ posts: [Post], chunk: Int, to file: CSVWriter) throws {
    let first = chunk * Simulator.postsPerChunk
    for (i, post) in posts.enumerated() {
      let author = influencers[Int(post.influencer)]
      pairPosts[Int(post.influencer) * Vocabulary.campaigns.count + Int(post.campaign)] += 1
      file.int(author.id)
      file.comma()
      file.bytes(platformFields[Int(post.platform)])
      file.comma()
      file.bytes(Simulator.dates[Int(post.day)])
      file.comma()
      writeURL(platform: Int(post.platform), handle: author.handle, post: first + i, to: file)
      file.comma()
      file.bytes(captions[Int(post.caption)])
      file.comma()
      file.int(Int(post.reach))
      file.comma()
      file.int(Int(post.likes))
      file.comma()
      file.int(Int(post.comments))
      file.comma()
      file.bytes(campaignFields[Int(post.campaign)])
      try file.endRow()
    }
  }

  static let instagramPrefix = Array("https://www.instagram.com/p/".utf8)
  static let youtubePrefix = Array("https://www.youtube.com/watch?v=".utf8)
  static let twitterPrefix = Array("https://x.com/".utf8)
  static let twitterMiddle = Array("/status/".utf8)
  static let tiktokPrefix = Array("https://www.tiktok.com/@".utf8)
  static let tiktokMiddle = Array("/video/".utf8)
  static let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// A platform-shaped URL, unique per post: its code is a bijective scramble of the post's
  /// global index.
  func writeURL(platform: Int, handle: [UInt8], post: Int, to file: CSVWriter) {
    let key = SplitMix64.mix(urlKey ^ UInt64(post))
    switch platform {
    case 0, 1:
      file.bytes(platform == 0 ? Self.instagramPrefix : Self.youtubePrefix)
      // 64 bits as 11 URL-safe base64 digits.
      for i in 0..<11 {
        let shift = 58 - 6 * i
        let digit = shift >= 0 ? (key >> UInt64(shift)) & 63 : (key << 2) & 63
        file.byte(Self.base64[Int(digit)])
      }
      if platform == 0 { file.byte(UInt8(ascii: "/")) }
    case 2:
      file.bytes(Self.twitterPrefix)
      file.bytes(handle)
      file.bytes(Self.twitterMiddle)
      file.uint(key)
    default:
      file.bytes(Self.tiktokPrefix)
      file.bytes(handle)
      file.bytes(Self.tiktokMiddle)
      file.uint(key)
    }
  }

  /// `rows` ordered by day, ties in their original order (a total order, so the result does
  /// not depend on the sort algorithm).
  func sortedByDay<Row>(_ rows: [Row], day: (Row) -> UInt8) -> [Row] {
    var keys: [UInt64] = []
    keys.reserveCapacity(rows.count)
    for (i, row) in rows.enumerated() { keys.append(UInt64(day(row)) << 32 | UInt64(i)) }
    keys.sort()
    return keys.map { rows[Int($0 & 0xFFFF_FFFF)] }
  }
}
