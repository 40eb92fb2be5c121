import CQStorage
import Dispatch

extension Aggregator {
  /// Whether `aggregateDistinct` can answer: one segment of a loaded table (its narrow copies
  /// are the store's), distinct counts only (no weights), a key space of at most 64 Ki, and
  /// per-thread bitsets of at most 16 MiB a measure.
  static func canFuseDistinct(
    segments: [Segment], encoder: KeyEncoder, measures: [Measure],
    keyFilter: ((Int64) -> Int64?)?, store: Store?
  ) -> Bool {
    guard keyFilter == nil, store != nil, segments.count == 1, let seg = segments.first,
      seg.cacheKey != nil, seg.count >= parallelRowThreshold, encoder.product <= 1 << 16,
      !measures.isEmpty
    else { return false }
    for m in measures {
      guard let d = seg.distinct[m], seg.distinctWeights[m] == nil else { return false }
      let bits = Int(encoder.product).multipliedReportingOverflow(by: d.cardinality)
      guard !bits.overflow, bits.partialValue <= 1 << 27 else { return false }
    }
    return true
  }

  /// Distinct counts (customers, new customers) per group in one pass on every core.
  ///
  /// Reads the grain's narrow key and a one-dimension filter's narrow codes (the copies the
  /// fused sums read), sets a bit per group and value in each thread's bitset, then merges the
  /// bitsets and counts them. nil when a stored copy fails its check (the caller takes the
  /// general path, and the copy is made again).
  ///
  /// - Complexity: O(*n* · *m*) for *m* distinct measures, plus O(*k* · *v* / 64) per thread
  ///   to merge and count bitsets of *k* keys and *v* values.
  static func aggregateDistinct(
    _ seg: Segment, grain: [Dimension], encoder: KeyEncoder, filter: BoundCondition?,
    measures: [Measure], store: Store, tiers: Tiers
  ) -> FactAggregate? {
    guard let cacheKey = seg.cacheKey else { return nil }
    let n = seg.count
    let width = Int(encoder.product)
    // The segment holds the grain's and a leaf filter's codes, or this pass cannot run.
    guard grain.allSatisfy({ seg.codes[$0] != nil }) else { return nil }
    if case .leaf(let d, _, _)? = filter, seg.codes[d] == nil { return nil }
    // The same copies, under the same names, as `aggregateNarrow` reads.
    var reads = NarrowReads(
      store: store, cacheKey: cacheKey, rows: n, grain: grain, filter: filter, tiers: tiers)
    let keys = reads.groupKeys(seg, encoder: encoder)
    let pass = reads.filterPass(seg, filter)
    // Stored copies are checked whole before this pass reads them.
    for u in reads.used {
      guard let check = store.pendingCheck(u.key) else { continue }
      if !check.verify(array: 0, elements: 0..<n, width: u.width) {
        store.forgetNarrow(u.key)
        return nil
      }
    }
    var values: [ContiguousArray<Int32>] = []
    var cardinalities: [Int] = []
    for m in measures {
      guard let d = seg.distinct[m], d.codes.count == n else { return nil }
      values.append(d.codes)
      cardinalities.append(d.cardinality)
    }
    let threads = n >= parallelRowThreshold ? max(1, min(8, activeProcessorCount)) : 1
    let words = cardinalities.map { ($0 + 63) / 64 }
    // Per thread: the row count per key, then each measure's bitsets (key-major).
    let perThread = width + words.reduce(0) { $0 + width * $1 }
    let scratch = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: perThread * threads)
    scratch.initialize(repeating: 0)
    defer { scratch.deallocate() }
    nonisolated(unsafe) let space = scratch
    let wordCounts = words
    let limits = cardinalities.map { UInt32(truncatingIfNeeded: $0) }
    let columns = values
    let cancellation = CancellationToken.current
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      guard let base = space.baseAddress else { return }
      let out = DistinctScratch(
        base: base + t * perThread, width: width, words: wordCounts, limits: limits,
        cancellation: cancellation)
      let rows = (n * t / threads)..<(n * (t + 1) / threads)
      withExtendedLifetime((keys, pass, columns)) {
        switch keys {
        case nil: distinctPass(ZeroKey(), pass, columns, rows, out)
        case .u8(let k)?:
          k.withUnsafeBufferPointer { p in
            guard let b = p.baseAddress else { return }
            distinctPass(U8Keys(p: b), pass, columns, rows, out)
          }
        case .u16(let k)?:
          k.withUnsafeBufferPointer { p in
            guard let b = p.baseAddress else { return }
            distinctPass(U16Keys(p: b), pass, columns, rows, out)
          }
        case .i32(let k)?:
          k.withUnsafeBufferPointer { p in
            guard let b = p.baseAddress else { return }
            distinctPass(OneKey(a: b), pass, columns, rows, out)
          }
        }
      }
    }
    if cancellation.isCancelled { return FactAggregate(keys: [], values: [:]) }
    // Merge into thread 0's scratch, then count.
    for t in 1..<max(1, threads) {
      for i in 0..<width { scratch[i] &+= scratch[t * perThread + i] }
      for i in width..<perThread { scratch[i] |= scratch[t * perThread + i] }
    }
    var found: [Int64] = []
    for k in 0..<width where scratch[k] > 0 { found.append(Int64(k)) }
    var result: [Measure: [Int64]] = [:]
    var offset = width
    for (j, m) in measures.enumerated() {
      let w = words[j]
      result[m] = found.map { k in
        var c = 0
        for i in 0..<w { c += scratch[offset + Int(k) * w + i].nonzeroBitCount }
        return Int64(c)
      }
      offset += width * w
    }
    return FactAggregate(keys: found, values: result)
  }

  private static func distinctPass<K: RowKey>(
    _ key: K, _ pass: PassSpec, _ values: [ContiguousArray<Int32>], _ rows: Range<Int>,
    _ out: DistinctScratch
  ) {
    switch pass {
    case .all: distinctRows(key, AllPass(), values, rows, out)
    case .mask(let m):
      m.withUnsafeBufferPointer { p in
        guard let b = p.baseAddress else { return }
        distinctRows(key, MaskPass(mask: b), values, rows, out)
      }
    case .leaf(let codes, let allowed):
      allowed.withUnsafeBufferPointer { al in
        guard let t = al.baseAddress else { return }
        switch codes {
        case .u8(let c):
          c.withUnsafeBufferPointer { p in
            guard let b = p.baseAddress else { return }
            distinctRows(key, LeafPass8(codes: b, allowed: t), values, rows, out)
          }
        case .u16(let c):
          c.withUnsafeBufferPointer { p in
            guard let b = p.baseAddress else { return }
            distinctRows(key, LeafPass16(codes: b, allowed: t), values, rows, out)
          }
        case .i32(let c):
          c.withUnsafeBufferPointer { p in
            guard let b = p.baseAddress else { return }
            distinctRows(key, LeafPass(codes: b, allowed: t), values, rows, out)
          }
        }
      }
    }
  }

  /// One thread's rows: a passing row counts toward its key, and sets its value's bit in each
  /// measure's bitset of that key (a value of −1, or outside the space, sets none).
  private static func distinctRows<K: RowKey, P: RowPass>(
    _ key: K, _ pass: P, _ values: [ContiguousArray<Int32>], _ rows: Range<Int>,
    _ out: DistinctScratch
  ) {
    // Each value column's pointer lives only inside its `withUnsafeBufferPointer` call.
    withPointers(values) { pointers in
      var bases: [UnsafeMutablePointer<UInt64>] = []
      var offset = out.width
      for w in out.words {
        bases.append(out.base + offset)
        offset += out.width * w
      }
      var r = rows.lowerBound
      while r < rows.upperBound {
        let end = min(rows.upperBound, r + 0x10000)
        if out.cancellation.isCancelled { return }
        for i in r..<end where pass.pass(i) != 0 {
          let k = key.key(i)
          out.base[k] &+= 1
          for j in 0..<pointers.count {
            let v = UInt32(bitPattern: pointers[j][i])
            if v < out.limits[j] {
              bases[j][k &* out.words[j] &+ Int(v >> 6)] |= 1 &<< UInt64(v & 63)
            }
          }
        }
        r = end
      }
    }
  }
}

/// One thread's row counts and bitsets for `aggregateDistinct`.
struct DistinctScratch {
  let base: UnsafeMutablePointer<UInt64>
  let width: Int
  let words: [Int]
  let limits: [UInt32]
  /// The query's token (the pass runs on other threads, which do not see the task-local one).
  let cancellation: CancellationToken
}
