import Testing

@testable import CQEngine

/// The O(k) largest-remainder spread gives exactly what sorting the remainders gives.
@Suite("Engine: spread")
struct SpreadTests {
  /// The textbook version: sort by remainder descending, ties to the earlier row.
  static func naive(total: Int64, weights: [Int64]) -> [Int64] {
    let w = weights.reduce(0, +)
    let equal = w <= 0
    let d = equal ? Int64(weights.count) : w
    var shares = weights.map { equal ? total / d : total * $0 / d }
    let rem = weights.indices.map { equal ? total % d : total * weights[$0] % d }
    var left = total - shares.reduce(0, +)
    for i in weights.indices.sorted(by: { rem[$0] != rem[$1] ? rem[$0] > rem[$1] : $0 < $1 })
    where left > 0 {
      shares[i] += 1
      left -= 1
    }
    return shares
  }

  @Test(arguments: 1...200)
  func matchesSorting(seed: Int) {
    var g = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
    func next(_ n: Int64) -> Int64 {
      g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int64((g >> 33) % UInt64(n))
    }
    let count = Int(next(40)) + 1
    let weights = ContiguousArray((0..<count).map { _ in next(4) == 0 ? 0 : next(9) + 1 })
    let total = next(10_000_000)
    var out: [(row: Int32, share: Int64)] = []
    let rows = ContiguousArray((0..<count).map { Int32($0) })
    Allocation.spread(
      total: total, rows: rows[...], weights: weights, keyWeight: weights.reduce(0, +), into: &out)
    #expect(out.map(\.share) == Self.naive(total: total, weights: Array(weights)), "seed \(seed)")
    #expect(out.map(\.share).reduce(0, +) == total)
  }
}
