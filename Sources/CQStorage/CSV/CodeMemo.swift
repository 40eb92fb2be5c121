/// A small direct-mapped cache in front of one column's `ByteDictionary`: a value's bytes →
/// its code.
///
/// Columns such as `source`, `campaign` or `product` repeat a few values millions of times. A
/// hit costs a key built from at most three loads, one multiply, and a compare against one
/// 32-byte entry; only a miss (the first sight of a value, or two values sharing an entry)
/// goes to the dictionary. Values longer than 24 bytes always do. Entries hold codes of the
/// dictionary the memo was filled from, so a memo serves one chunk's dictionary only.
final class CodeMemo {
  /// `(k0, k1, k2, meta)` per entry; `meta` is 0 when empty, else `(code + 1) | length << 32`.
  private let entries: UnsafeMutablePointer<UInt64>
  private static let bits = 8
  /// The longest value the memo holds.
  static let maximumLength = 24

  init() {
    entries = .allocate(capacity: 4 << Self.bits)
    entries.initialize(repeating: 0, count: 4 << Self.bits)
  }

  deinit { entries.deallocate() }

  /// Three words that, with the length, determine a value of at most 24 bytes.
  ///
  /// Reads only `p[0..<n]`.
  @inline(__always)
  private static func key(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64, UInt64) {
    let raw = UnsafeRawPointer(p)
    if n >= 8 {
      let k0 = raw.loadUnaligned(as: UInt64.self)
      let last = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
      if n <= 16 { return (k0, last, 0) }
      return (k0, raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self), last)
    }
    if n >= 4 {
      return (
        UInt64(raw.loadUnaligned(as: UInt32.self))
          | UInt64(raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)) << 32, 0, 0
      )
    }
    if n > 0 { return (UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n &- 1]) << 16, 0, 0) }
    return (0, 0, 0)
  }

  /// The code of `p[0..<n]` in `dictionary`, interning it there when new.
  ///
  /// - Complexity: O(1) on a hit; `ByteDictionary.intern` otherwise.
  @inline(__always)
  func code(_ p: UnsafePointer<UInt8>, _ n: Int, in dictionary: ByteDictionary) -> Int32 {
    guard n <= Self.maximumLength else { return dictionary.intern(p, n) }
    let (k0, k1, k2) = Self.key(p, n)
    let mixed =
      (k0 ^ k1 &* 0x9E37_79B9_7F4A_7C15 ^ k2 &* 0xC2B2_AE3D_27D4_EB4F)
      &+ UInt64(truncatingIfNeeded: n)
    let index = Int(truncatingIfNeeded: (mixed &* 0xBF58_476D_1CE4_E5B9) >> (64 - Self.bits))
    let e = entries + 4 &* index
    let lengthBits = UInt64(truncatingIfNeeded: n) << 32
    if e[0] == k0 && e[1] == k1 && e[2] == k2 && e[3] & 0xFFFF_FFFF_0000_0000 == lengthBits
      && e[3] != 0
    {
      return Int32(truncatingIfNeeded: e[3] &- 1)
    }
    let code = dictionary.intern(p, n)
    e[0] = k0
    e[1] = k1
    e[2] = k2
    e[3] = UInt64(truncatingIfNeeded: Int(code) &+ 1) | lengthBits
    return code
  }
}
