extension Generator {
  /// ln 2000: followers are log-uniform over 1,000 … 2,000,000.
  static let followerSpan = 7.600_902_459_542_082
  /// ln(400 / 60): non-dud quality is log-uniform over 60 … 400 percent.
  static let qualitySpan = 1.897_119_984_885_881

  /// Builds every influencer and writes `influencers.csv`.
  mutating func writeInfluencers(to file: CSVWriter) throws {
    try file.header(["id", "name", "category", "gender", "follower_count", "platform"])
    let count = options.influencerCount
    influencers.reserveCapacity(count)
    activityPrefix.reserveCapacity(count)
    var total = 0
    for id in 1...count {
      let influencer = makeInfluencer(id: id)
      total += influencer.activity
      activityPrefix.append(total)
      file.int(id)
      file.comma()
      file.bytes(influencer.name)
      file.comma()
      file.bytes(categoryFields[influencer.category])
      file.comma()
      file.bytes(genderFields[influencer.gender])
      file.comma()
      file.int(influencer.followers)
      file.comma()
      file.bytes(platformFields[influencer.platform])
      try file.endRow()
      influencers.append(influencer)
    }
  }

  /// Influencer `id`, drawn from its own stream: the same id gets the same traits at any scale.
  func makeInfluencer(id: Int) -> Influencer {
    var rng = SplitMix64(seed: seed, stream: Simulator.Stream.influencers, index: UInt64(id))
    let (name, handle, female) = makeName(id: id)
    let category = rng.pick(Vocabulary.categoryWeights)
    let gender = rng.chance(5) ? 2 : female ? 1 : 0
    let platform = rng.pick(Vocabulary.platformWeights)
    let followers = min(
      2_000_000, max(1_000, Int((1000 * portableExp(rng.unit() * Self.followerSpan)).rounded())))
    // Sponsored creators post a few times per campaign; affiliates post a lot.
    let sponsored = rng.chance(60)
    let a = rng.unit()
    let activity = sponsored ? 1 : 2 + Int(28 * a * a)
    let quality =
      rng.chance(4)
      ? rng.int(in: 3...12) : Int((60 * portableExp(rng.unit() * Self.qualitySpan)).rounded())
    let engagement = rng.int(in: 15...90)
    // Signed to 1-3 campaigns, favouring brands that suit the category.
    let campaignCount = 1 + rng.pick([50, 35, 15])
    var weights = Vocabulary.campaigns.map { campaign in
      let sameBrand = Vocabulary.campaigns.count(where: { $0.brand == campaign.brand })
      return Vocabulary.brandAffinity[category][campaign.brand] * (12 / sameBrand)
    }
    var campaigns: [Int] = []
    for _ in 0..<campaignCount {
      let c = rng.pick(weights)
      campaigns.append(c)
      weights[c] = 0
    }
    campaigns.sort()
    return Influencer(
      id: id, name: Vocabulary.csvField(name), handle: Array(handle.utf8), category: category,
      gender: gender, platform: platform, followers: followers, sponsored: sponsored,
      activity: activity, quality: quality, engagement: engagement, campaigns: campaigns)
  }

  /// The display name and URL handle of influencer `id`.
  ///
  /// Names walk a fixed permutation of the first × last combinations, so they are unique until
  /// the combinations run out (then a middle initial tells them apart), except that every id
  /// ending in 137 modulo 200 deliberately reuses the name of id − 37: two influencers with
  /// the same name, which SPEC §3 labels `name (#id)`.
  func makeName(id: Int) -> (name: String, handle: String, female: Bool) {
    let source = id % 200 == 137 ? id - 37 : id
    let n = Vocabulary.nameCombinations
    let j = source - 1
    let k = ((j % n) * 1001 + nameOffset) % n  // 1001 is coprime with the combination count
    let (first, last) = Vocabulary.nameParts(k)
    let cycle = j / n
    var middle = ""
    if cycle > 0 {
      let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
      middle = "\(letters[(cycle - 1) % letters.count]). "
    }
    return ("\(first.text) \(middle)\(last.text)", "\(first.ascii)\(last.ascii)\(id)", first.female)
  }

  /// An influencer index (0-based) drawn in proportion to posting activity.
  @inline(__always)
  func pickInfluencer(_ rng: inout SplitMix64) -> Int {
    let total = activityPrefix.last ?? 0
    guard total > 0 else { return 0 }
    let r = rng.below(total)
    // First index whose running sum exceeds r.
    var low = 0
    var high = activityPrefix.count - 1
    while low < high {
      let mid = (low + high) / 2
      if activityPrefix[mid] > r { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
