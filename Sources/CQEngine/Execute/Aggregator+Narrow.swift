import CQStorage
import Dispatch

extension Aggregator {
  /// The fused pass over a large cached segment, reading narrow columns: the grain's composite
  /// key as one byte or two per row (cached per grain), a single-dimension filter on narrow
  /// codes, and values as `Int32` where they fit.
  ///
  /// - Complexity: O(*n* · *m*) per query for *m* sums; the first query at a grain pays O(*n* · *d*)
  ///   to build its key column.
  static func aggregateNarrow(
    _ seg: Segment, cacheKey: String?, grain: [Dimension], encoder: KeyEncoder,
    filter: BoundCondition?,
    measures: [Measure], store: Store?, tiers: Tiers, into total: inout [Int64],
    retried: Bool = false
  ) {
    let width = Int(encoder.product)
    let slots = 1 + measures.count
    let n = seg.count
    // Segments built per query (unattributed payouts, per-payout shares) are narrowed but
    // not cached. Codes made from other columns (time grains, influencer attributes, composite
    // keys) are also kept on disk for the next process.
    var reads = NarrowReads(
      store: store, cacheKey: cacheKey, rows: n, grain: grain, filter: filter, tiers: tiers)
    let keys = reads.groupKeys(seg, encoder: encoder)
    let pass = reads.filterPass(seg, filter)
    let sumIndexes = measures.indices.filter { seg.hasSum(measures[$0]) }
    let narrowed: [NarrowValues] = sumIndexes.map { j in
      let m = measures[j]
      if let held = seg.narrowSums[m] { return held }
      guard let store, let name = seg.sumKeys[m] else { return .i64(seg.requiredWide(m)) }
      let v =
        seg.sumMakers[m].map { store.narrowValues(name, $0) }
        ?? store.narrowValues(name, count: n) { seg.requiredWide(m) }
      switch v {
      case .u8: reads.used.append((name, 1))
      case .i32: reads.used.append((name, 4))
      case .i64: reads.used.append((name, 8))
      }
      return v
    }
    // Copies read from disk are checked a chunk at a time just before the pass reads it (see
    // `DerivedCheck`): codes are range-checked before they index the accumulators.
    let pending: [(check: DerivedCheck, width: Int)] = reads.used.compactMap { u in
      store?.pendingCheck(u.key).map { ($0, u.width) }
    }
    let before = pending.isEmpty ? [] : total
    let checks = pending
    let prepare: (@Sendable (Int, Int) -> Bool)?
    if checks.isEmpty {
      prepare = nil
    } else {
      prepare = { @Sendable lo, hi in
        checks.allSatisfy { $0.check.verify(array: 0, elements: lo..<hi, width: $0.width) }
      }
    }
    let sums: SumSpec
    let bases = sumIndexes.map { ($0 + 1) * width }
    if narrowed.allSatisfy({ if case .i32 = $0 { true } else { false } }) {
      sums = .i32(narrowed.map { if case .i32(let v) = $0 { v } else { [] } }, bases)
    } else if narrowed.count <= 2 && narrowed.allSatisfy(\.isNarrow) {
      sums = .mixed(narrowed, bases)
    } else {
      sums = .i64(
        zip(sumIndexes, narrowed).map { j, n in
          if case .i64(let v) = n { v } else { seg.requiredWide(measures[j]) }
        }, bases)
    }
    let chunks = n >= parallelRowThreshold ? max(1, min(8, activeProcessorCount)) : 1
    // Rows sorted by a key (dates often are) add to the same accumulator back to back, and each
    // add waits for the previous one. Four interleaved copies of the accumulators break that
    // chain when they are small enough to stay in cache.
    let lanes = width * slots <= 1 << 14 ? 4 : 1
    let block = width * slots
    let partials = UnsafeMutableBufferPointer<Int64>.allocate(capacity: block * lanes * chunks)
    partials.initialize(repeating: 0)
    defer { partials.deallocate() }
    guard let partialsBase = partials.baseAddress else {
      preconditionFailure("allocate(capacity:) gives memory for at least one accumulator")
    }
    nonisolated(unsafe) let out = partialsBase
    let cancellation = CancellationToken.current
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      let lo = n * c / chunks
      let hi = n * (c + 1) / chunks
      let a = Accumulators(
        base: out + c * block * lanes, laneStride: block, laneMask: lanes - 1,
        width: width, cancellation: cancellation, prepare: prepare)
      withExtendedLifetime((keys, pass, sums)) {
        switch keys {
        case nil: dispatchPass(ZeroKey(), pass, sums, lo..<hi, a)
        case .u8(let k)?:
          k.withUnsafeBufferPointer {
            guard let keys = $0.baseAddress else { return }  // no rows
            dispatchPass(U8Keys(p: keys), pass, sums, lo..<hi, a)
          }
        case .u16(let k)?:
          k.withUnsafeBufferPointer {
            guard let keys = $0.baseAddress else { return }  // no rows
            dispatchPass(U16Keys(p: keys), pass, sums, lo..<hi, a)
          }
        case .i32(let k)?:
          k.withUnsafeBufferPointer {
            guard let keys = $0.baseAddress else { return }  // no rows
            dispatchPass(OneKey(a: keys), pass, sums, lo..<hi, a)
          }
        }
      }
    }
    // A damaged chunk: the copies that failed go (memory and disk) and the pass runs again on
    // copies made afresh from the loaded columns.
    if pending.contains(where: { $0.check.failed }), let store, !retried {
      for u in reads.used where store.pendingCheck(u.key)?.failed ?? false {
        store.forgetNarrow(u.key)
      }
      total = before
      aggregateNarrow(
        seg, cacheKey: cacheKey, grain: grain, encoder: encoder, filter: filter,
        measures: measures, store: store, tiers: tiers, into: &total, retried: true)
      return
    }
    for part in 0..<(chunks * lanes) {
      for i in 0..<block { total[i] &+= partials[part * block + i] }
    }
    // Counted measures are the row count.
    for (j, m) in measures.enumerated() where !seg.hasSum(m) && seg.counted.contains(m) {
      for k in 0..<width { total[(j + 1) * width + k] = total[k] }
    }
  }

  enum PassSpec {
    case all
    case leaf(NarrowCodes, ContiguousArray<Int64>)
    case mask(ContiguousArray<UInt8>)
  }

  enum SumSpec {
    case i32([ContiguousArray<Int32>], [Int])
    case i64([ContiguousArray<Int64>], [Int])
    /// One or two measures, bytes or `Int32`, at least one of them bytes.
    case mixed([NarrowValues], [Int])
  }

  private static func dispatchPass<K: RowKey>(
    _ key: K, _ pass: PassSpec, _ sums: SumSpec, _ rows: Range<Int>, _ a: Accumulators
  ) {
    switch pass {
    case .all: dispatchSums(key, AllPass(), sums, rows, a)
    case .mask(let m):
      m.withUnsafeBufferPointer {
        guard let mask = $0.baseAddress else { return }  // no rows
        dispatchSums(key, MaskPass(mask: mask), sums, rows, a)
      }
    case .leaf(let codes, let allowed):
      allowed.withUnsafeBufferPointer { al in
        guard let t = al.baseAddress else { return }  // an empty domain: no row passes
        switch codes {
        case .u8(let c):
          c.withUnsafeBufferPointer {
            guard let codes = $0.baseAddress else { return }  // no rows
            dispatchSums(key, LeafPass8(codes: codes, allowed: t), sums, rows, a)
          }
        case .u16(let c):
          c.withUnsafeBufferPointer {
            guard let codes = $0.baseAddress else { return }  // no rows
            dispatchSums(key, LeafPass16(codes: codes, allowed: t), sums, rows, a)
          }
        case .i32(let c):
          c.withUnsafeBufferPointer {
            guard let codes = $0.baseAddress else { return }  // no rows
            dispatchSums(key, LeafPass(codes: codes, allowed: t), sums, rows, a)
          }
        }
      }
    }
  }

  private static func dispatchSums<K: RowKey, P: RowPass>(
    _ key: K, _ pass: P, _ sums: SumSpec, _ rows: Range<Int>, _ a: Accumulators
  ) {
    switch sums {
    case .i32(let v, let bases): withPointers(v) { narrowLoop(key, pass, $0, bases, rows, a) }
    case .i64(let v, let bases): withPointers(v) { narrowLoop(key, pass, $0, bases, rows, a) }
    case .mixed(let v, let bases):
      switch (v.first, v.count > 1 ? v[1] : nil) {
      case (.u8(let x)?, nil):
        withPointers([x]) { p in packedLoop(key, pass, p[0], bases[0], nil, 0, rows, a) }
      case (.u8(let x)?, .u8(let y)?):
        withPointers([x, y]) { narrowLoop(key, pass, $0, bases, rows, a) }
      case (.u8(let x)?, .i32(let y)?):
        withPointers([x]) { p in
          withPointers([y]) { q in packedLoop(key, pass, p[0], bases[0], q[0], bases[1], rows, a) }
        }
      case (.i32(let x)?, .u8(let y)?):
        withPointers([y]) { p in
          withPointers([x]) { q in packedLoop(key, pass, p[0], bases[1], q[0], bases[0], rows, a) }
        }
      case (.i32(let x)?, nil): withPointers([x]) { narrowLoop(key, pass, $0, bases, rows, a) }
      case (.i32(let x)?, .i32(let y)?):
        withPointers([x, y]) { narrowLoop(key, pass, $0, bases, rows, a) }
      default: preconditionFailure("mixed sums hold one or two narrow measures")
      }
    }
  }

  /// Calls `body` with a pointer to each array's elements, every pointer used only inside the
  /// `withUnsafeBufferPointer` call that made it (nested, one array a level).
  ///
  /// An empty array has no address: then `body` is not called (there are no rows to read).
  static func withPointers<T>(
    _ arrays: [ContiguousArray<T>], _ body: ([UnsafePointer<T>]) -> Void
  ) {
    func nest(_ i: Int, _ pointers: [UnsafePointer<T>]) {
      guard i < arrays.count else { return body(pointers) }
      arrays[i].withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        nest(i + 1, pointers + [base])
      }
    }
    nest(0, [])
  }

  /// Calls `body` with a pointer to the elements of `array` (nil for no array), used only
  /// inside the `withUnsafeBufferPointer` call that made it.
  static func withPointer<T>(_ array: ContiguousArray<T>?, _ body: (UnsafePointer<T>?) -> Void) {
    guard let array else { return body(nil) }
    array.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else {
        preconditionFailure("an array of a segment with rows has an address")
      }
      body(base)
    }
  }

  /// Rows a chunk may hold for `packedLoop`: its byte sums (at most 255 a row) must stay below
  /// 2^32 so they never carry into the row count packed above them.
  static let packedRowLimit = Int(UInt32.max / 255)

  /// Sums a byte measure packed with the row count into one accumulator.
  ///
  /// The byte measure (a count such as `orders`) and the row count share one accumulator,
  /// `count << 32 | bytes`, optionally with one `Int32` measure beside it: one or two
  /// read-modify-writes a row instead of two or three. Unpacked when the rows are done.
  private static func packedLoop<K: RowKey, P: RowPass>(
    _ key: K, _ pass: P, _ bytes: UnsafePointer<UInt8>, _ bytesBase: Int,
    _ other: UnsafePointer<Int32>?,
    _ otherBase: Int, _ rows: Range<Int>, _ acc: Accumulators
  ) {
    guard rows.count < packedRowLimit else {
      if let other {
        laneLoop(rows, acc) { i, a in
          let k = key.key(i)
          let p = pass.pass(i)
          a[k] &+= p
          a[bytesBase &+ k] &+= Int64(bytes[i]) &* p
          a[otherBase &+ k] &+= Int64(other[i]) &* p
        }
      } else {
        laneLoop(rows, acc) { i, a in
          let k = key.key(i)
          let p = pass.pass(i)
          a[k] &+= p
          a[bytesBase &+ k] &+= Int64(bytes[i]) &* p
        }
      }
      return
    }
    if let other {
      laneLoop(rows, acc) { i, a in
        let k = key.key(i)
        let p = pass.pass(i)
        a[k] &+= (p &<< 32) | (Int64(bytes[i]) &* p)
        a[otherBase &+ k] &+= Int64(other[i]) &* p
      }
    } else {
      laneLoop(rows, acc) { i, a in
        let k = key.key(i)
        let p = pass.pass(i)
        a[k] &+= (p &<< 32) | (Int64(bytes[i]) &* p)
      }
    }
    // Unpack: counts back to their slot, byte sums to the measure's.
    for lane in 0...acc.laneMask {
      let a = acc.base + lane &* acc.laneStride
      for k in 0..<acc.width {
        let packed = a[k]
        a[k] = packed >> 32
        a[bytesBase + k] &+= packed & 0xFFFF_FFFF
      }
    }
  }

  private static func narrowLoop<K: RowKey, P: RowPass, T: FixedWidthInteger>(
    _ key: K, _ pass: P, _ values: [UnsafePointer<T>], _ bases: [Int], _ rows: Range<Int>,
    _ acc: Accumulators
  ) {
    switch values.count {
    case 0:
      laneLoop(rows, acc) { i, a in
        a[key.key(i)] &+= pass.pass(i)
      }
    case 1:
      let v0 = values[0]
      let b0 = bases[0]
      laneLoop(rows, acc) { i, a in
        let k = key.key(i)
        let p = pass.pass(i)
        a[k] &+= p
        a[b0 &+ k] &+= Int64(v0[i]) &* p
      }
    case 2:
      let v0 = values[0]
      let b0 = bases[0]
      let v1 = values[1]
      let b1 = bases[1]
      laneLoop(rows, acc) { i, a in
        let k = key.key(i)
        let p = pass.pass(i)
        a[k] &+= p
        a[b0 &+ k] &+= Int64(v0[i]) &* p
        a[b1 &+ k] &+= Int64(v1[i]) &* p
      }
    default:
      laneLoop(rows, acc) { i, a in
        let k = key.key(i)
        let p = pass.pass(i)
        a[k] &+= p
        for j in 0..<values.count { a[bases[j] &+ k] &+= Int64(values[j][i]) &* p }
      }
    }
  }

  /// Runs `body(row, lane)` over `rows`, consecutive rows going to the accumulators' lanes in
  /// turn (unrolled: no lane arithmetic per row), checking for cancellation every 64 Ki rows.
  @inline(__always)
  private static func laneLoop(
    _ rows: Range<Int>, _ acc: Accumulators, _ body: (Int, UnsafeMutablePointer<Int64>) -> Void
  ) {
    let base = acc.base
    let s = acc.laneStride
    let four = acc.laneMask == 3
    let a0 = base
    let a1 = base + (four ? s : 0)
    let a2 = base + (four ? 2 * s : 0)
    let a3 = base + (four ? 3 * s : 0)
    var r = rows.lowerBound
    while r < rows.upperBound {
      let end = min(rows.upperBound, r + 0x10000)
      if acc.cancellation.isCancelled { return }
      if let prepare = acc.prepare, !prepare(r, end) { return }
      var i = r
      if four {
        while i &+ 4 <= end {
          body(i, a0)
          body(i &+ 1, a1)
          body(i &+ 2, a2)
          body(i &+ 3, a3)
          i &+= 4
        }
      }
      while i < end {
        body(i, a0)
        i &+= 1
      }
      r = end
    }
  }
}

struct ZeroKey: RowKey {
  @inline(__always) func key(_ i: Int) -> Int { 0 }
}
struct U8Keys: RowKey {
  let p: UnsafePointer<UInt8>
  @inline(__always) func key(_ i: Int) -> Int { Int(p[i]) }
}
struct U16Keys: RowKey {
  let p: UnsafePointer<UInt16>
  @inline(__always) func key(_ i: Int) -> Int { Int(p[i]) }
}
struct LeafPass8: RowPass {
  let codes: UnsafePointer<UInt8>, allowed: UnsafePointer<Int64>
  @inline(__always) func pass(_ i: Int) -> Int64 { allowed[Int(codes[i])] }
}
struct LeafPass16: RowPass {
  let codes: UnsafePointer<UInt16>, allowed: UnsafePointer<Int64>
  @inline(__always) func pass(_ i: Int) -> Int64 { allowed[Int(codes[i])] }
}

/// The store's narrow copies one pass reads, under the names every pass uses, with each one's
/// element width (for the chunk checks made as the pass reaches them).
struct NarrowReads {
  let store: Store?
  /// The segment's name in the store; nil for a segment built per query (not cached).
  let cacheKey: String?
  let rows: Int
  let grain: [Dimension]
  /// What names the tier thresholds in a copy's name, when tiers are in the grain or filter.
  let tierTag: String
  /// The copies read so far: their keys and element widths.
  var used: [(key: String, width: Int)] = []

  init(
    store: Store?, cacheKey: String?, rows: Int, grain: [Dimension], filter: BoundCondition?,
    tiers: Tiers
  ) {
    self.store = store
    self.cacheKey = cacheKey
    self.rows = rows
    self.grain = grain
    tierTag =
      grain.contains(.tier) || (filter?.dimensions.contains(.tier) ?? false)
      ? tiers.description : ""
  }

  /// The grain's composite key per row, as narrow codes.
  ///
  /// Nil for no grain: every row has key 0, and no column is needed. The segment must hold
  /// every grain dimension's codes.
  mutating func groupKeys(_ seg: Segment, encoder: KeyEncoder) -> NarrowCodes? {
    guard let first = grain.first else { return nil }
    let grain = grain
    let n = rows
    return codes(
      "key|\(grain.map(\.rawValue).joined(separator: ","))|\(tierTag)",
      space: Int(encoder.product), derived: grain.count > 1 || Self.isDerived(first)
    ) {
      // One dimension: its codes are the key.
      if grain.count == 1 { return seg.codes.required(first) }
      let dims = grain.map { seg.codes.required($0) }
      let strides = encoder.strides
      return ContiguousArray(unsafeUninitializedCapacity: n) { buf, count in
        for r in 0..<n {
          var k: Int64 = 0
          for (d, codes) in dims.enumerated() { k &+= Int64(codes[r]) &* strides[d] }
          buf[r] = Int32(truncatingIfNeeded: k)
        }
        count = n
      }
    }
  }

  /// Which rows pass `filter`.
  ///
  /// A single-dimension filter is its narrow codes and the values it allows, any other a mask.
  /// The segment must hold a leaf filter's dimension.
  mutating func filterPass(_ seg: Segment, _ filter: BoundCondition?) -> Aggregator.PassSpec {
    if case .leaf(let d, let allowed, _)? = filter {
      let leafCodes = codes(
        "codes|\(d.rawValue)|\(d == .tier ? tierTag : "")", space: allowed.count,
        derived: Self.isDerived(d)
      ) { seg.codes.required(d) }
      return .leaf(leafCodes, ContiguousArray(allowed.map { Int64($0 ? 1 : 0) }))
    }
    return filter.map { .mask(Aggregator.evaluateFilter($0, seg)) } ?? .all
  }

  /// The narrow codes named `name` (made by `make` when the store has none); `derived` codes
  /// (made from other columns) are also kept on disk for the next process.
  mutating func codes(
    _ name: String, space: Int, derived: Bool, _ make: () -> ContiguousArray<Int32>
  ) -> NarrowCodes {
    guard let store, let cacheKey else { return NarrowCodes.make(make(), space: space) }
    let key = "\(cacheKey)|\(name)"
    let c = store.narrowCodes(key, space: space, count: rows, persist: derived, make)
    switch c {
    case .u8: used.append((key, 1))
    case .u16: used.append((key, 2))
    case .i32: used.append((key, 4))
    }
    return c
  }

  /// Whether a dimension's codes are made from other columns (time grains, influencer
  /// attributes) rather than stored with the table.
  static func isDerived(_ d: Dimension) -> Bool {
    d.timeGrain != nil || [.category, .gender, .platform, .tier].contains(d)
  }
}

/// Per-thread accumulators, in `laneMask + 1` interleaved copies `laneStride` apart.
struct Accumulators {
  let base: UnsafeMutablePointer<Int64>
  let laneStride: Int
  let laneMask: Int
  /// Keys per slot: the row counts are `base[0..<width]`, each measure's sums the next slots.
  let width: Int
  /// The query's token, read every 64 Ki rows (the pass runs on other threads, which do not see
  /// the task-local one).
  let cancellation: CancellationToken
  /// Run before each block of rows (`lo`, `hi`): checks the chunks of stored copies it reads;
  /// false stops the pass.
  var prepare: (@Sendable (Int, Int) -> Bool)? = nil
}
