/// A streaming 64-bit hash for cache checksums and source fingerprints (not cryptographic).
///
/// Built like XXH3's long-input loop: eight 64-bit lanes take one 64-byte stripe at a time,
/// each lane adding `lo32(d ^ k) * hi32(d ^ k) + d` for a per-stripe key `k`, and every 16
/// stripes (1 KiB) the lanes are scrambled so the order of blocks matters. One 32×32-bit
/// multiply per 8 bytes vectorizes well, so one core hashes as fast as memory delivers: cheap
/// enough to check every byte of a cache as it is read.
///
/// Every `update` but the last must be a multiple of 64 bytes (the cache hashes in such chunks).
struct CacheHash {
  private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
  private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
  private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
  private static let prime32: UInt64 = 0x9E37_79B1

  /// Sixteen stripe keys (SplitMix64 from a fixed seed).
  private static let keys: [SIMD8<UInt64>] = {
    var state: UInt64 = 0x6371_2d63_6163_6865
    func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    return (0..<16).map { _ in
      SIMD8(next(), next(), next(), next(), next(), next(), next(), next())
    }
  }()

  private var lanes: SIMD8<UInt64>
  /// Stripes taken since the last scramble (0..<16).
  private var stripe = 0
  private var tail: UInt64 = 0
  private var total: UInt64 = 0

  init(seed: UInt64 = 0) {
    lanes = SIMD8(repeating: Self.prime3 ^ seed)
    lanes[1] &+= Self.prime1
    lanes[2] &+= Self.prime2
  }

  @inline(__always)
  private static func accumulate(
    _ lanes: inout SIMD8<UInt64>, _ data: SIMD8<UInt64>, _ key: SIMD8<UInt64>
  ) {
    let k = data ^ key
    lanes &+= (k & SIMD8(repeating: 0xFFFF_FFFF)) &* (k &>> 32)
    lanes &+= data
  }

  @inline(__always)
  private static func scramble(_ lanes: inout SIMD8<UInt64>) {
    lanes = (lanes ^ (lanes &>> 47)) &* SIMD8(repeating: prime32)
  }

  @inline(__always)
  private static func load(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD8<UInt64> {
    let v = p.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt64>.self)
    #if _endian(big)
    return SIMD8(
      v[0].littleEndian, v[1].littleEndian, v[2].littleEndian, v[3].littleEndian,
      v[4].littleEndian, v[5].littleEndian, v[6].littleEndian, v[7].littleEndian)
    #else
    return v
    #endif
  }

  /// Adds `count` bytes at `bytes`.
  ///
  /// - Complexity: O(*n*) in `count`; no allocation.
  mutating func update(_ bytes: UnsafeRawPointer, _ count: Int) {
    var lanes = self.lanes
    var stripe = self.stripe
    var p = bytes
    var left = count
    Self.keys.withUnsafeBufferPointer { keys in
      // Single stripes up to a 1 KiB boundary, whole 1 KiB blocks, then single stripes.
      while stripe != 0 && left >= 64 {
        Self.accumulate(&lanes, Self.load(p, 0), keys[stripe])
        stripe += 1
        if stripe == 16 {
          Self.scramble(&lanes)
          stripe = 0
        }
        p += 64
        left -= 64
      }
      while left >= 1024 {
        for j in 0..<16 { Self.accumulate(&lanes, Self.load(p, j * 64), keys[j]) }
        Self.scramble(&lanes)
        p += 1024
        left -= 1024
      }
      while left >= 64 {
        Self.accumulate(&lanes, Self.load(p, 0), keys[stripe])
        stripe += 1
        p += 64
        left -= 64
      }
    }
    self.lanes = lanes
    self.stripe = stripe
    var t = tail
    while left >= 8 {
      t =
        (t ^ (UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) &* Self.prime2)) &* Self.prime1
      t = (t << 31) | (t >> 33)
      p += 8
      left -= 8
    }
    while left > 0 {
      t = (t ^ (UInt64(p.load(as: UInt8.self)) &* Self.prime3)) &* Self.prime1
      t = (t << 11) | (t >> 53)
      p += 1
      left -= 1
    }
    tail = t
    total &+= UInt64(count)
  }

  /// Adds the bytes of `buffer`.
  mutating func update(_ buffer: UnsafeRawBufferPointer) {
    guard let base = buffer.baseAddress else { return }
    update(base, buffer.count)
  }

  /// Adds one integer (8 bytes, little-endian).
  mutating func update(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { update($0) }
  }

  /// The hash of everything added.
  var value: UInt64 {
    var h = total &* Self.prime1
    for i in 0..<8 {
      h = (h ^ (lanes[i] &* Self.prime2)) &* Self.prime1
      h = (h << 27) | (h >> 37)
    }
    h ^= tail &* Self.prime3
    h ^= h >> 33
    h &*= Self.prime2
    h ^= h >> 29
    h &*= Self.prime3
    h ^= h >> 32
    return h
  }

  /// The hash of one buffer.
  static func of(_ buffer: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
    var h = CacheHash(seed: seed)
    h.update(buffer)
    return h.value
  }
}
