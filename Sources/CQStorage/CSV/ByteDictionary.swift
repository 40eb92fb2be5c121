/// An open-addressing hash table from byte strings to dense `Int32` codes, in first-seen order.
///
/// The ingest counterpart of `StringDictionary`: fields are hashed and compared as bytes, and a
/// `String` is made only once per distinct value, when the dictionary is finished.
///
/// Layout, chosen so a lookup costs one memory access even in a table far larger than the
/// cache: a slot is three words. A value of at most 16 bytes is held in the slot itself, as two
/// words that determine it given its length (`key(_:_:)`), so finding it compares three words
/// and reads nothing else; a longer value's slot holds its 64-bit hash and the offset of its
/// bytes, which are compared only when hash and length agree. Every value's bytes are also kept
/// back to back in an arena, in code order, for `string(_:)`, `strings()` and `merge(_:base:)`.
/// `prefetch(_:count:)` lets a caller touch the slots of a whole batch before looking them up,
/// so the misses overlap. `copy()` snapshots it, so a chunk parsed on another thread can start
/// from the values known so far and be merged back with `merge(_:base:)`.
final class ByteDictionary {
  /// One slot: `meta` is 0 when empty, else `(code + 1) | length << 32`.
  private struct Slot {
    /// A short value's key words, or a long value's hash and arena offset.
    var k0: UInt64
    var k1: UInt64
    var meta: UInt64
  }

  /// The bytes of every value, back to back in code order.
  private var arena: UnsafeMutablePointer<UInt8>
  private var arenaCount = 0
  private var arenaCapacity: Int
  /// `starts[code]..<starts[code + 1]` are value `code`'s bytes in `arena`.
  private var starts: UnsafeMutablePointer<Int>
  private var startsCapacity: Int
  /// A power-of-two count, at most half full.
  private var slots: UnsafeMutablePointer<Slot>
  private var mask: Int
  private(set) var count = 0
  /// Whether every value is ASCII (then values distinct as bytes are distinct as `String`s).
  private(set) var isASCII = true
  /// Keeps prefetch loads from being optimized away.
  private var sink: UInt64 = 0

  /// The longest value held in its slot.
  private static let inlineLength = 16

  init(capacity: Int = 8) {
    var size = 16
    while size < capacity * 2 { size *= 2 }
    slots = .allocate(capacity: size)
    slots.initialize(repeating: Slot(k0: 0, k1: 0, meta: 0), count: size)
    mask = size - 1
    startsCapacity = max(capacity, 8) + 1
    starts = .allocate(capacity: startsCapacity)
    starts[0] = 0
    arenaCapacity = max(capacity * 16, 256)
    arena = .allocate(capacity: arenaCapacity)
  }

  deinit {
    arena.deallocate()
    starts.deallocate()
    slots.deallocate()
  }

  /// An independent snapshot of the values so far.
  ///
  /// - Complexity: O(*n*) in the table's size and bytes.
  func copy() -> ByteDictionary {
    let c = ByteDictionary(capacity: 0)
    c.slots.deallocate()
    c.slots = .allocate(capacity: mask + 1)
    c.slots.initialize(from: slots, count: mask + 1)
    c.mask = mask
    c.starts.deallocate()
    c.startsCapacity = startsCapacity
    c.starts = .allocate(capacity: startsCapacity)
    c.starts.initialize(from: starts, count: count + 1)
    c.arena.deallocate()
    c.arenaCapacity = arenaCapacity
    c.arena = .allocate(capacity: arenaCapacity)
    c.arena.initialize(from: arena, count: arenaCount)
    c.arenaCount = arenaCount
    c.count = count
    c.isASCII = isASCII
    return c
  }

  /// Two words that, with the length, determine a value of at most 16 bytes.
  ///
  /// They are its first and last eight bytes (overlapping), or for shorter values the same
  /// idea with four-byte and single-byte reads. Reads only `p[0..<n]`.
  @inline(__always)
  private static func key(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64) {
    let raw = UnsafeRawPointer(p)
    if n >= 8 {
      return (
        raw.loadUnaligned(as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
      )
    }
    if n >= 4 {
      return (
        UInt64(raw.loadUnaligned(as: UInt32.self))
          | UInt64(raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)) << 32,
        0
      )
    }
    if n > 0 { return (UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n &- 1]) << 16, 0) }
    return (0, 0)
  }

  /// The hash of a short value's key words.
  @inline(__always)
  private static func mix(_ k0: UInt64, _ k1: UInt64, _ n: Int) -> UInt64 {
    var h = (k0 ^ 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
    h ^= (k1 ^ UInt64(truncatingIfNeeded: n)) &* 0x94D0_49BB_1331_11EB
    h ^= h >> 32
    h &*= 0xD6E8_FEB8_6659_FD93
    h ^= h >> 29
    return h
  }

  /// A fast 64-bit hash of a value: from its key words when short, else of all its bytes
  /// (eight per step; the tail read with an overlapping load).
  @inline(__always)
  static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    if n <= inlineLength {
      let (k0, k1) = key(p, n)
      return mix(k0, k1, n)
    }
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i &+ 8 <= n {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 31
      i &+= 8
    }
    if i < n {
      h = (h ^ raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)) &* 0x94D0_49BB_1331_11EB
    }
    h ^= h >> 32
    h &*= 0xD6E8_FEB8_6659_FD93
    h ^= h >> 32
    return h
  }

  /// Touches the slots the `hashes` will probe first, so later `intern` calls find them in
  /// cache; the loads are independent, so their misses overlap.
  @inline(__always)
  func prefetch(_ hashes: UnsafePointer<UInt64>, count: Int) {
    var acc: UInt64 = 0
    for k in 0..<count { acc &+= slots[Int(truncatingIfNeeded: hashes[k]) & mask].meta }
    sink &+= acc
  }

  /// The code of `p[0..<length]`, adding it when new.
  ///
  /// - Complexity: amortized O(*k*) in the value's bytes.
  @inline(__always)
  func intern(_ p: UnsafePointer<UInt8>, _ length: Int) -> Int32 {
    intern(p, length, hash: Self.hash(p, length))
  }

  /// `intern(_:_:)` with the value's `hash(_:_:)` already computed.
  @inline(__always)
  func intern(_ p: UnsafePointer<UInt8>, _ length: Int, hash h: UInt64) -> Int32 {
    let (i, code) = find(p, length, hash: h)
    if code >= 0 { return code }
    return insert(p, length, hash: h, slot: i)
  }

  /// The code of `p[0..<length]` when present.
  func code(of p: UnsafePointer<UInt8>, _ length: Int) -> Int32? {
    let code = find(p, length, hash: Self.hash(p, length)).code
    return code >= 0 ? code : nil
  }

  /// The slot holding `p[0..<length]` and its code, or the empty slot where it belongs and -1.
  @inline(__always)
  private func find(_ p: UnsafePointer<UInt8>, _ length: Int, hash h: UInt64) -> (
    slot: Int, code: Int32
  ) {
    let lengthBits = UInt64(truncatingIfNeeded: length) << 32
    var i = Int(truncatingIfNeeded: h) & mask
    if length <= Self.inlineLength {
      let (k0, k1) = Self.key(p, length)
      while true {
        let s = slots[i]
        if s.meta == 0 { return (i, -1) }
        if s.k0 == k0 && s.k1 == k1 && s.meta & 0xFFFF_FFFF_0000_0000 == lengthBits {
          return (i, Int32(truncatingIfNeeded: s.meta &- 1))
        }
        i = (i &+ 1) & mask
      }
    }
    while true {
      let s = slots[i]
      if s.meta == 0 { return (i, -1) }
      if s.k0 == h && s.meta & 0xFFFF_FFFF_0000_0000 == lengthBits
        && equal(arena + Int(truncatingIfNeeded: s.k1), p, length)
      {
        return (i, Int32(truncatingIfNeeded: s.meta &- 1))
      }
      i = (i &+ 1) & mask
    }
  }

  @inline(__always)
  private func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    var i = 0
    while i &+ 8 <= n {
      if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      {
        return false
      }
      i &+= 8
    }
    // Values compared here are longer than eight bytes: the tail is one overlapping load.
    return i == n
      || ra.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        == rb.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
  }

  /// Interns a `String`'s UTF-8 bytes.
  @discardableResult
  func intern(_ s: String) -> Int32 {
    var s = s
    return s.withUTF8 { u in
      guard let base = u.baseAddress else {
        var empty: UInt8 = 0
        return intern(&empty, 0)
      }
      return intern(base, u.count)
    }
  }

  /// The bytes of value `code`.
  @inline(__always)
  private func bytes(_ code: Int) -> UnsafeBufferPointer<UInt8> {
    let v = value(code)
    return UnsafeBufferPointer(start: v.start, count: v.count)
  }

  /// Where value `code`'s bytes start in the arena, and how many there are.
  @inline(__always)
  private func value(_ code: Int) -> (start: UnsafePointer<UInt8>, count: Int) {
    (UnsafePointer(arena + starts[code]), starts[code + 1] - starts[code])
  }

  /// Value `code` as a `String`.
  func string(_ code: Int32) -> String {
    String(decoding: bytes(Int(code)), as: UTF8.self)
  }

  /// All values as `String`s, in code order.
  ///
  /// A large dictionary's strings are made on two threads, each filling half the array.
  /// - Complexity: O(*n*) in the arena's bytes; one `String` per distinct value.
  func strings() -> [String] {
    let n = count
    guard n >= 65_536 else { return (0..<n).map { String(decoding: bytes($0), as: UTF8.self) } }
    return [String](unsafeUninitializedCapacity: n) { buffer, initialized in
      guard let base = buffer.baseAddress else { return }
      let half = n / 2
      runConcurrently(
        { for c in 0..<half { (base + c).initialize(to: self.string(Int32(c))) } },
        { for c in half..<n { (base + c).initialize(to: self.string(Int32(c))) } })
      initialized = n
    }
  }

  /// Adds the values `other` holds beyond its first `base`, returning the code map for them.
  ///
  /// `other`'s first `base` values are a snapshot of this dictionary's; its code `base + k`
  /// becomes `map[k]` here. First-seen order is kept when chunks are merged in file order.
  ///
  /// - Complexity: O(*m*) in the new values' bytes.
  func merge(_ other: ByteDictionary, base: Int) -> ContiguousArray<Int32> {
    var map: ContiguousArray<Int32> = []
    guard other.count > base else { return map }
    map.reserveCapacity(other.count - base)
    // In blocks: hash and touch a block's slots first so the cache misses overlap.
    let block = 256
    let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: block)
    defer { hashes.deallocate() }
    var start = base
    while start < other.count {
      let end = min(start + block, other.count)
      for c in start..<end {
        let v = other.value(c)
        hashes[c - start] = Self.hash(v.start, v.count)
      }
      prefetch(hashes, count: end - start)
      for c in start..<end {
        let v = other.value(c)
        map.append(intern(v.start, v.count, hash: hashes[c - start]))
      }
      start = end
    }
    return map
  }

  /// Forgets every value from code `k` on (undoing a failed chunk).
  ///
  /// - Complexity: O(*s* + *k*) in the slot count and remaining values.
  func truncate(to k: Int) {
    guard k < count else { return }
    arenaCount = starts[k]
    count = k
    slots.update(repeating: Slot(k0: 0, k1: 0, meta: 0), count: mask + 1)
    for c in 0..<count {
      let v = value(c)
      let h = Self.hash(v.start, v.count)
      let i = find(v.start, v.count, hash: h).slot
      slots[i] = slot(v.start, v.count, hash: h, code: c, offset: starts[c])
    }
  }

  /// The slot contents for value `code` (bytes `p[0..<length]`, at `offset` in the arena).
  @inline(__always)
  private func slot(
    _ p: UnsafePointer<UInt8>, _ length: Int, hash h: UInt64, code: Int, offset: Int
  ) -> Slot {
    let meta = UInt64(code + 1) | UInt64(length) << 32
    if length <= Self.inlineLength {
      let (k0, k1) = Self.key(p, length)
      return Slot(k0: k0, k1: k1, meta: meta)
    }
    return Slot(k0: h, k1: UInt64(offset), meta: meta)
  }

  private func insert(_ p: UnsafePointer<UInt8>, _ length: Int, hash h: UInt64, slot i: Int)
    -> Int32
  {
    // Codes are Int32 by the column format, lengths UInt32: limits far beyond any CSV this
    // loader maps into memory.
    precondition(
      count < Int(Int32.max) - 1 && length < Int(UInt32.max), "value or dictionary too large")
    if arenaCount + length > arenaCapacity {
      var capacity = arenaCapacity * 2
      while capacity < arenaCount + length { capacity *= 2 }
      let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
      fresh.initialize(from: arena, count: arenaCount)
      arena.deallocate()
      arena = fresh
      arenaCapacity = capacity
    }
    if count + 1 == startsCapacity {
      let capacity = startsCapacity * 2
      let fresh = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
      fresh.initialize(from: starts, count: count + 1)
      starts.deallocate()
      starts = fresh
      startsCapacity = capacity
    }
    let offset = arenaCount
    let code = count
    if isASCII && !FieldParsing.isASCII(p, length) { isASCII = false }
    (arena + offset).initialize(from: p, count: length)
    arenaCount += length
    starts[code + 1] = arenaCount
    count += 1
    slots[i] = slot(p, length, hash: h, code: code, offset: offset)
    if count * 2 > mask + 1 { grow() }
    return Int32(truncatingIfNeeded: code)
  }

  /// Doubles the slots, placing each value again from its slot alone (a short value's key
  /// words give its hash; a long value's slot holds it).
  private func grow() {
    let size = (mask + 1) * 2
    let fresh = UnsafeMutablePointer<Slot>.allocate(capacity: size)
    Prefault.populate(UnsafeMutableRawPointer(fresh), bytes: size * MemoryLayout<Slot>.stride)
    fresh.initialize(repeating: Slot(k0: 0, k1: 0, meta: 0), count: size)
    let m = size - 1
    for j in 0...mask {
      let s = slots[j]
      guard s.meta != 0 else { continue }
      let length = Int(truncatingIfNeeded: s.meta >> 32)
      let h = length <= Self.inlineLength ? Self.mix(s.k0, s.k1, length) : s.k0
      var i = Int(truncatingIfNeeded: h) & m
      while fresh[i].meta != 0 { i = (i + 1) & m }
      fresh[i] = s
    }
    slots.deallocate()
    slots = fresh
    mask = m
  }
}
