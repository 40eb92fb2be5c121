/// An open-addressing hash table from byte strings to dense `Int32` codes, in first-seen order.
///
/// The ingest counterpart of `StringDictionary`: fields are hashed and compared as bytes, and a
/// `String` is made only once per distinct value, when the dictionary is finished. A copy is a
/// cheap snapshot (copy-on-write), so a chunk parsed on another thread can start from one and
/// be merged back with `merge(_:base:)`.
struct ByteDictionary {
  /// Distinct values' bytes, back to back; value `c` is `arena[offsets[c]..<offsets[c + 1]]`.
  private(set) var arena: ContiguousArray<UInt8> = []
  private(set) var offsets: ContiguousArray<Int> = [0]
  private var hashes: ContiguousArray<UInt64> = []
  /// Codes by hash slot; -1 is empty. The count is a power of two, at most half full.
  private var slots: ContiguousArray<Int32>
  private var mask: Int

  init(capacity: Int = 16) {
    var size = 16
    while size < capacity * 2 { size *= 2 }
    slots = ContiguousArray(repeating: -1, count: size)
    mask = size - 1
  }

  var count: Int { hashes.count }

  /// The code of `p[0..<length]`, adding it when new.
  ///
  /// - Complexity: amortized O(*k*) in the value's bytes.
  @inline(__always)
  mutating func intern(_ p: UnsafePointer<UInt8>, _ length: Int) -> Int32 {
    let h = Self.hash(p, length)
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let c = slots[i]
      if c < 0 { return insert(p, length, hash: h, slot: i) }
      if hashes[Int(c)] == h && equals(Int(c), p, length) { return c }
      i = (i + 1) & mask
    }
  }

  /// The code of `p[0..<length]` when present.
  func code(of p: UnsafePointer<UInt8>, _ length: Int) -> Int32? {
    let h = Self.hash(p, length)
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let c = slots[i]
      if c < 0 { return nil }
      if hashes[Int(c)] == h && equals(Int(c), p, length) { return c }
      i = (i + 1) & mask
    }
  }

  /// Interns a `String`'s UTF-8 bytes.
  @discardableResult
  mutating func intern(_ s: String) -> Int32 {
    var s = s
    return s.withUTF8 { u in
      guard let base = u.baseAddress else {
        var empty: UInt8 = 0
        return intern(&empty, 0)
      }
      return intern(base, u.count)
    }
  }

  /// Value `code` as a `String`.
  func string(_ code: Int32) -> String {
    let lo = offsets[Int(code)]
    let hi = offsets[Int(code) + 1]
    return arena.withUnsafeBufferPointer {
      String(decoding: UnsafeBufferPointer(rebasing: $0[lo..<hi]), as: UTF8.self)
    }
  }

  /// All values as `String`s, in code order.
  ///
  /// - Complexity: O(*n*) in the arena's bytes; one `String` per distinct value.
  func strings() -> [String] {
    arena.withUnsafeBufferPointer { a in
      (0..<count).map { c in
        String(decoding: UnsafeBufferPointer(rebasing: a[offsets[c]..<offsets[c + 1]]), as: UTF8.self)
      }
    }
  }

  /// Adds the values `other` holds beyond its first `base` (a snapshot of this dictionary's
  /// first `base` values), returning the code map for them: `other` code `base + k` becomes
  /// `map[k]` here. First-seen order is kept when chunks are merged in file order.
  ///
  /// - Complexity: O(*m*) in the new values' bytes.
  mutating func merge(_ other: ByteDictionary, base: Int) -> ContiguousArray<Int32> {
    var map: ContiguousArray<Int32> = []
    map.reserveCapacity(other.count - base)
    other.arena.withUnsafeBufferPointer { a in
      guard let p = a.baseAddress else {
        for _ in base..<other.count {
          var empty: UInt8 = 0
          map.append(intern(&empty, 0))
        }
        return
      }
      for c in base..<other.count {
        map.append(intern(p + other.offsets[c], other.offsets[c + 1] - other.offsets[c]))
      }
    }
    return map
  }

  @inline(__always)
  private func equals(_ code: Int, _ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
    let lo = offsets[code]
    guard offsets[code + 1] - lo == length else { return false }
    return arena.withUnsafeBufferPointer { a in
      guard let q = a.baseAddress else { return length == 0 }
      var i = 0
      let r = UnsafeRawPointer(q + lo)
      let s = UnsafeRawPointer(p)
      while i + 8 <= length {
        if r.loadUnaligned(fromByteOffset: i, as: UInt64.self) != s.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
          return false
        }
        i += 8
      }
      while i < length {
        if q[lo + i] != p[i] { return false }
        i += 1
      }
      return true
    }
  }

  private mutating func insert(_ p: UnsafePointer<UInt8>, _ length: Int, hash h: UInt64, slot: Int) -> Int32 {
    // Codes are Int32 by the column format; 2^31 distinct values would need a > 4 GB file of
    // distinct values in one column.
    precondition(hashes.count < Int(Int32.max), "more than 2^31 distinct values in one column")
    let code = Int32(hashes.count)
    arena.append(contentsOf: UnsafeBufferPointer(start: p, count: length))
    offsets.append(arena.count)
    hashes.append(h)
    slots[slot] = code
    if hashes.count * 2 > slots.count { grow() }
    return code
  }

  private mutating func grow() {
    let size = slots.count * 2
    var fresh = ContiguousArray<Int32>(repeating: -1, count: size)
    let m = size - 1
    for c in 0..<hashes.count {
      var i = Int(truncatingIfNeeded: hashes[c]) & m
      while fresh[i] >= 0 { i = (i + 1) & m }
      fresh[i] = Int32(c)
    }
    slots = fresh
    mask = m
  }

  /// A fast 64-bit hash of a short byte string (eight bytes per step).
  @inline(__always)
  static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i + 8 <= n {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 31
      i += 8
    }
    if i < n {
      var w: UInt64 = 0
      var shift: UInt64 = 0
      while i < n {
        w |= UInt64(p[i]) << shift
        shift += 8
        i += 1
      }
      h = (h ^ w) &* 0x94D0_49BB_1331_11EB
    }
    h ^= h >> 32
    h &*= 0xD6E8_FEB8_6659_FD93
    h ^= h >> 32
    return h
  }
}
