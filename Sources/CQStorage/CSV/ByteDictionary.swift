/// An open-addressing hash table from byte strings to dense `Int32` codes, in first-seen order.
///
/// The ingest counterpart of `StringDictionary`: fields are hashed and compared as bytes, and a
/// `String` is made only once per distinct value, when the dictionary is finished.
///
/// Layout, chosen so a lookup in a table far larger than the cache costs two memory accesses:
/// each slot holds 24 bits of the value's hash and the offset of its entry; an entry is the
/// value's length, its code and its bytes, back to back in one arena. `prefetch(_:)` lets a
/// caller touch the slots and entries of a whole batch before looking them up, so the misses
/// overlap. `copy()` snapshots it, so a chunk parsed on another thread can start from the
/// values known so far and be merged back with `merge(_:base:)`.
final class ByteDictionary {
  /// Entries: `[length: UInt32][code: UInt32][bytes]`, each padded to a multiple of 8 bytes.
  private var arena: UnsafeMutableRawPointer
  private var arenaCount = 0
  private var arenaCapacity: Int
  /// Entry offset of each code.
  private var entries: UnsafeMutablePointer<Int>
  private var entriesCapacity: Int
  /// `tag << 40 | (entry offset + 1)`; 0 is empty. Power-of-two count, at most half full.
  private var slots: UnsafeMutablePointer<UInt64>
  private var mask: Int
  private(set) var count = 0
  /// Keeps prefetch loads from being optimized away.
  private var sink: UInt64 = 0

  private static let offsetBits: UInt64 = (1 << 40) - 1
  private static let header = 8

  init(capacity: Int = 8) {
    var size = 16
    while size < capacity * 2 { size *= 2 }
    slots = .allocate(capacity: size)
    slots.initialize(repeating: 0, count: size)
    mask = size - 1
    entriesCapacity = max(capacity, 8)
    entries = .allocate(capacity: entriesCapacity)
    arenaCapacity = max(capacity * 24, 256)
    arena = .allocate(byteCount: arenaCapacity, alignment: 8)
  }

  deinit {
    arena.deallocate()
    entries.deallocate()
    slots.deallocate()
  }

  /// An independent snapshot of the values so far.
  ///
  /// - Complexity: O(*n*) in the table's size and bytes.
  func copy() -> ByteDictionary {
    let c = ByteDictionary(capacity: 0)
    c.slots.deallocate()
    c.slots = .allocate(capacity: mask + 1)
    c.slots.update(from: slots, count: mask + 1)
    c.mask = mask
    c.entries.deallocate()
    c.entriesCapacity = entriesCapacity
    c.entries = .allocate(capacity: entriesCapacity)
    c.entries.update(from: entries, count: count)
    c.arena.deallocate()
    c.arenaCapacity = arenaCapacity
    c.arena = .allocate(byteCount: arenaCapacity, alignment: 8)
    c.arena.copyMemory(from: arena, byteCount: arenaCount)
    c.arenaCount = arenaCount
    c.count = count
    return c
  }

  /// Touches the slots the `hashes` will probe first, then their entries, so later `intern`
  /// calls find them in cache; the loads are independent, so their misses overlap.
  @inline(__always)
  func prefetch(_ hashes: UnsafePointer<UInt64>, count: Int) {
    var acc: UInt64 = 0
    for k in 0..<count { acc &+= slots[Int(truncatingIfNeeded: hashes[k]) & mask] }
    for k in 0..<count {
      let s = slots[Int(truncatingIfNeeded: hashes[k]) & mask]
      if s != 0 {
        acc &+= arena.load(
          fromByteOffset: Int(truncatingIfNeeded: s & Self.offsetBits) - 1, as: UInt64.self)
      }
    }
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
    let tag = h >> 40
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let s = slots[i]
      if s == 0 { return insert(p, length, hash: h, slot: i) }
      if s >> 40 == tag {
        let e = Int(truncatingIfNeeded: s & Self.offsetBits) - 1
        if let code = match(e, p, length) { return code }
      }
      i = (i + 1) & mask
    }
  }

  /// The code of `p[0..<length]` when present.
  func code(of p: UnsafePointer<UInt8>, _ length: Int) -> Int32? {
    let h = Self.hash(p, length)
    let tag = h >> 40
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let s = slots[i]
      if s == 0 { return nil }
      if s >> 40 == tag {
        let e = Int(truncatingIfNeeded: s & Self.offsetBits) - 1
        if let code = match(e, p, length) { return code }
      }
      i = (i + 1) & mask
    }
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
    let e = entries[code]
    let length = Int(arena.load(fromByteOffset: e, as: UInt32.self))
    return UnsafeBufferPointer(
      start: (arena + e + Self.header).assumingMemoryBound(to: UInt8.self), count: length)
  }

  /// Value `code` as a `String`.
  func string(_ code: Int32) -> String {
    String(decoding: bytes(Int(code)), as: UTF8.self)
  }

  /// All values as `String`s, in code order.
  ///
  /// - Complexity: O(*n*) in the arena's bytes; one `String` per distinct value.
  func strings() -> [String] {
    (0..<count).map { String(decoding: bytes($0), as: UTF8.self) }
  }

  /// Adds the values `other` holds beyond its first `base` (a snapshot of this dictionary's
  /// first `base` values), returning the code map for them: `other` code `base + k` becomes
  /// `map[k]` here. First-seen order is kept when chunks are merged in file order.
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
        let b = other.bytes(c)
        hashes[c - start] = b.baseAddress.map { Self.hash($0, b.count) } ?? 0
      }
      prefetch(hashes, count: end - start)
      for c in start..<end {
        let b = other.bytes(c)
        guard let p = b.baseAddress else { continue }
        map.append(intern(p, b.count, hash: hashes[c - start]))
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
    arenaCount = entries[k]
    count = k
    slots.update(repeating: 0, count: mask + 1)
    for c in 0..<count {
      let b = bytes(c)
      guard let start = b.baseAddress else { continue }
      let h = Self.hash(start, b.count)
      var i = Int(truncatingIfNeeded: h) & mask
      while slots[i] != 0 { i = (i + 1) & mask }
      slots[i] = (h >> 40) << 40 | UInt64(entries[c] + 1)
    }
  }

  @inline(__always)
  private func match(_ entry: Int, _ p: UnsafePointer<UInt8>, _ length: Int) -> Int32? {
    let head = arena.load(fromByteOffset: entry, as: UInt64.self)
    guard Int(truncatingIfNeeded: head & 0xFFFF_FFFF) == length else { return nil }
    let r = UnsafeRawPointer(arena + entry + Self.header)
    let s = UnsafeRawPointer(p)
    if length >= 8 {
      var i = 0
      while i + 8 <= length {
        if r.load(fromByteOffset: i, as: UInt64.self)
          != s.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        {
          return nil
        }
        i += 8
      }
      if i < length
        && r.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
          != s.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
      {
        return nil
      }
    } else {
      var i = 0
      while i < length {
        if r.load(fromByteOffset: i, as: UInt8.self) != p[i] { return nil }
        i += 1
      }
    }
    return Int32(truncatingIfNeeded: head >> 32)
  }

  private func insert(_ p: UnsafePointer<UInt8>, _ length: Int, hash h: UInt64, slot: Int) -> Int32
  {
    // Codes are Int32 by the column format, lengths UInt32, offsets 40 bits: limits far beyond
    // any CSV this loader maps into memory.
    precondition(
      count < Int(Int32.max) - 1 && length < Int(UInt32.max), "value or dictionary too large")
    let size = (Self.header + length + 7) & ~7
    if arenaCount + size > arenaCapacity {
      var capacity = arenaCapacity * 2
      while capacity < arenaCount + size { capacity *= 2 }
      precondition(UInt64(capacity) < Self.offsetBits, "dictionary arena too large")
      let fresh = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
      fresh.copyMemory(from: arena, byteCount: arenaCount)
      arena.deallocate()
      arena = fresh
      arenaCapacity = capacity
    }
    if count == entriesCapacity {
      let capacity = entriesCapacity * 2
      let fresh = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
      fresh.update(from: entries, count: count)
      entries.deallocate()
      entries = fresh
      entriesCapacity = capacity
    }
    let e = arenaCount
    let code = count
    arena.storeBytes(of: UInt64(length) | UInt64(code) << 32, toByteOffset: e, as: UInt64.self)
    (arena + e + Self.header).copyMemory(from: p, byteCount: length)
    arenaCount += size
    entries[code] = e
    count += 1
    slots[slot] = (h >> 40) << 40 | UInt64(e + 1)
    if count * 2 > mask + 1 { grow() }
    return Int32(truncatingIfNeeded: code)
  }

  private func grow() {
    let size = (mask + 1) * 2
    let fresh = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
    fresh.initialize(repeating: 0, count: size)
    let m = size - 1
    for c in 0..<count {
      let b = bytes(c)
      guard let start = b.baseAddress else { continue }
      let h = Self.hash(start, b.count)
      var i = Int(truncatingIfNeeded: h) & m
      while fresh[i] != 0 { i = (i + 1) & m }
      fresh[i] = (h >> 40) << 40 | UInt64(entries[c] + 1)
    }
    slots.deallocate()
    slots = fresh
    mask = m
  }

  /// A fast 64-bit hash of a short byte string (eight bytes per step; the tail is read with
  /// overlapping loads rather than byte by byte).
  @inline(__always)
  static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
    let raw = UnsafeRawPointer(p)
    if n >= 8 {
      var i = 0
      while i + 8 <= n {
        h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        i += 8
      }
      if i < n {
        h = (h ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0x94D0_49BB_1331_11EB
      }
    } else if n >= 4 {
      let w =
        UInt64(raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
      h = (h ^ w) &* 0x94D0_49BB_1331_11EB
    } else if n > 0 {
      let w = UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1]) << 16
      h = (h ^ w) &* 0x94D0_49BB_1331_11EB
    }
    h ^= h >> 32
    h &*= 0xD6E8_FEB8_6659_FD93
    h ^= h >> 32
    return h
  }

}
