/// A seeded 64-bit generator: the 15-line SplitMix64 of swift-argument-parser's `Examples/roll`.
///
/// Every draw the simulator makes goes through the helpers below, which use only integer
/// arithmetic and correctly rounded IEEE operations, so the same seed gives the same numbers
/// on every machine and Swift version (the standard library's `random(in:using:)` makes no
/// such promise).
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    self.state = seed
  }

  mutating func next() -> UInt64 {
    self.state &+= 0x9e37_79b9_7f4a_7c15
    var z: UInt64 = self.state
    z = (z ^ (z &>> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z &>> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z &>> 31)
  }
}

extension SplitMix64 {
  /// The SplitMix64 output function: a bijection on `UInt64` that scrambles every bit.
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z &>> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z &>> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z &>> 31)
  }

  /// An independent generator for row or chunk `index` of table `stream` under `seed`.
  init(seed: UInt64, stream: UInt64, index: UInt64) {
    let a = SplitMix64.mix(seed &+ stream &* 0xd1b5_4a32_d192_ed03)
    self.init(seed: SplitMix64.mix(a ^ (index &* 0x9e37_79b9_7f4a_7c15 &+ 0x632b_e59b_d9b4_e019)))
  }

  /// A uniform integer in `0..<bound` (`bound` > 0) by the multiply-high method.
  @inline(__always)
  mutating func below(_ bound: Int) -> Int {
    Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
  }

  /// A uniform integer in `range`.
  @inline(__always)
  mutating func int(in range: ClosedRange<Int>) -> Int {
    range.lowerBound + below(range.upperBound - range.lowerBound + 1)
  }

  /// A uniform `Double` in `[0, 1)` with 53 random bits.
  @inline(__always)
  mutating func unit() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// `true` with probability `percent` / 100.
  @inline(__always)
  mutating func chance(_ percent: Int) -> Bool {
    below(100) < percent
  }

  /// An index into `weights` drawn in proportion to the weights (not all zero).
  mutating func pick(_ weights: [Int]) -> Int {
    var total = 0
    for w in weights { total += w }
    var r = below(total)
    for (i, w) in weights.enumerated() {
      if r < w { return i }
      r -= w
    }
    return weights.count - 1
  }
}

/// `e^x` from basic IEEE operations only (range reduction and a Taylor series), so its result
/// is identical on every platform, unlike the C library's `exp`.
func portableExp(_ x: Double) -> Double {
  let ln2 = 0.693_147_180_559_945_3
  let k = (x / ln2).rounded(.down)
  let r = x - k * ln2
  var term = 1.0
  var sum = 1.0
  for n in 1...24 {
    term = term * r / Double(n)
    sum += term
  }
  return Double(sign: .plus, exponent: Int(k), significand: sum)
}
