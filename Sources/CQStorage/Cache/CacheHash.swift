/// A streaming 64-bit hash for cache checksums and source fingerprints (not cryptographic).
///
/// Four independent lanes over 32-byte stripes (the xxHash64 round), so one core hashes at
/// several bytes per cycle: cheap enough to check every byte of a cache as it is read.
/// Every `update` but the last must be a multiple of 32 bytes (the cache reads in such chunks).
struct CacheHash {
  private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
  private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
  private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
  private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
  private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

  private var v0: UInt64
  private var v1: UInt64
  private var v2: UInt64
  private var v3: UInt64
  private var tail: UInt64 = 0
  private var total: UInt64 = 0

  init(seed: UInt64 = 0) {
    v0 = seed &+ Self.p1 &+ Self.p2
    v1 = seed &+ Self.p2
    v2 = seed
    v3 = seed &- Self.p1
  }

  @inline(__always)
  private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
    let a = acc &+ input &* p2
    return ((a << 31) | (a >> 33)) &* p1
  }

  /// Adds `count` bytes at `bytes`.
  ///
  /// - Complexity: O(*n*) in `count`; no allocation.
  mutating func update(_ bytes: UnsafeRawPointer, _ count: Int) {
    var a = v0
    var b = v1
    var c = v2
    var d = v3
    let stripes = count / 32
    var p = bytes
    for _ in 0..<stripes {
      a = Self.round(a, UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
      b = Self.round(b, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
      c = Self.round(c, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
      d = Self.round(d, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
      p += 32
    }
    v0 = a
    v1 = b
    v2 = c
    v3 = d
    var rest = count - stripes * 32
    var t = tail
    while rest >= 8 {
      t = Self.round(t, UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
      p += 8
      rest -= 8
    }
    while rest > 0 {
      t = (t ^ (UInt64(p.load(as: UInt8.self)) &* Self.p5)) &* Self.p1
      t = (t << 11) | (t >> 53)
      p += 1
      rest -= 1
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
    func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    var h = rotl(v0, 1) &+ rotl(v1, 7) &+ rotl(v2, 12) &+ rotl(v3, 18)
    for v in [v0, v1, v2, v3] { h = (h ^ Self.round(0, v)) &* Self.p1 &+ Self.p4 }
    h ^= tail &* Self.p3
    h &+= total
    h ^= h >> 33
    h &*= Self.p2
    h ^= h >> 29
    h &*= Self.p3
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
