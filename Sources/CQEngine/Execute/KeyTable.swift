/// Group ids of composite keys (non-negative `Int64`): an open-addressing hash table with
/// linear probing, keys and ids in two flat arrays, grown at half load.
///
/// One lookup is a multiply, a shift and (nearly always) one or two probes of adjacent slots:
/// no hashing protocol, no per-key allocation, a fraction of `Dictionary`'s cost per row.
struct KeyTable {
  private(set) var keys: ContiguousArray<Int64>
  private var ids: ContiguousArray<Int32>
  private var shift: Int
  private var mask: Int
  /// Top bits of the hash every key here shares (a radix partition's number), left out of
  /// the slot: otherwise a partition's keys would start in 1/2^k of the slots and probe on and
  /// on (`revenue, orders by user, day` took seconds).
  private let sharedTopBits: UInt64
  /// Keys in the order they were first inserted (id order).
  private(set) var order: [Int64] = []

  /// A table sized for about `expected` keys, whose keys all share the top `sharedTopBits`
  /// bits of their hash (the partition bits of `Aggregator.partitionedGroups`).
  init(expected: Int, sharedTopBits: Int = 0) {
    self.sharedTopBits = UInt64(sharedTopBits)
    var bits = 4
    while 1 << bits < max(expected, 8) * 2 { bits += 1 }
    keys = ContiguousArray(repeating: -1, count: 1 << bits)
    ids = ContiguousArray(repeating: 0, count: 1 << bits)
    shift = 64 - bits
    mask = (1 << bits) - 1
    order.reserveCapacity(expected)
  }

  var count: Int { order.count }

  @inline(__always) private func slot(_ key: Int64) -> Int {
    Int(
      truncatingIfNeeded: ((UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) << sharedTopBits)
        >> UInt64(shift))
  }

  /// The id of `key`, inserted with the next id when new.
  @inline(__always) mutating func id(_ key: Int64) -> Int32 {
    var s = slot(key)
    while true {
      let k = keys[s]
      if k == key { return ids[s] }
      if k < 0 { break }
      s = (s &+ 1) & mask
    }
    let id = Int32(order.count)
    keys[s] = key
    ids[s] = id
    order.append(key)
    if order.count * 2 > keys.count { grow() }
    return id
  }

  /// The id of `key`, or nil when it was never inserted.
  @inline(__always) func find(_ key: Int64) -> Int32? {
    var s = slot(key)
    while true {
      let k = keys[s]
      if k == key { return ids[s] }
      if k < 0 { return nil }
      s = (s &+ 1) & mask
    }
  }

  private mutating func grow() {
    let bits = 64 - shift + 1
    keys = ContiguousArray(repeating: -1, count: 1 << bits)
    ids = ContiguousArray(repeating: 0, count: 1 << bits)
    shift = 64 - bits
    mask = (1 << bits) - 1
    for (id, key) in order.enumerated() {
      var s = slot(key)
      while keys[s] >= 0 { s = (s &+ 1) & mask }
      keys[s] = key
      ids[s] = Int32(id)
    }
  }
}
