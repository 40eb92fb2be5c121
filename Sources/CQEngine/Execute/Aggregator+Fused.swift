import CQStorage
import Dispatch

extension Aggregator {
  /// Key spaces up to this size are aggregated in one fused pass into key-indexed arrays.
  static let fusedKeyLimit: Int64 = 1 << 16
  /// Segments at least this long are split across the cores.
  static let parallelRowThreshold = 1 << 17

  /// Whether `aggregateFused` can answer: a small key space, sums and counts only.
  static func canFuse(
    segments: [Segment], encoder: KeyEncoder, measures: [Measure], keyFilter: ((Int64) -> Int64?)?
  ) -> Bool {
    keyFilter == nil && encoder.product <= fusedKeyLimit
      && measures.allSatisfy { m in segments.allSatisfy { $0.distinct[m] == nil } }
  }

  /// Filters, keys and sums in one pass per chunk of rows, accumulating straight into arrays
  /// indexed by the composite key; chunks run on all cores and their partials are added.
  ///
  /// Sums are exact: integer addition is associative, so the result does not depend on the
  /// chunking.
  ///
  /// - Complexity: O(*n* · (*d* + *m*)) for *d* grain dimensions and *m* measures; O(*k*)
  ///   memory per core for a key space of *k*.
  static func aggregateFused(
    segments: [Segment], grain: [Dimension], encoder: KeyEncoder, filter: BoundCondition?, measures: [Measure],
    store: Store? = nil, tiers: Tiers = .standard
  ) -> FactAggregate {
    let width = Int(encoder.product)
    let slots = 1 + measures.count  // row count, then one per measure
    var total = [Int64](repeating: 0, count: width * slots)
    for seg in segments {
      let n = seg.count
      guard n > 0 else { continue }
      if let store, let cacheKey = seg.cacheKey, n >= parallelRowThreshold {
        aggregateNarrow(
          seg, cacheKey: cacheKey, grain: grain, encoder: encoder, filter: filter, measures: measures, store: store,
          tiers: tiers, into: &total)
        continue
      }
      var leafFilter: (codes: ContiguousArray<Int32>, allowed: [Bool])?
      var rowMask: ContiguousArray<UInt8>?
      if case .leaf(let d, let allowed, _)? = filter {
        leafFilter = (seg.codes[d]!, allowed)
      } else if let filter {
        rowMask = evaluateFilter(filter, seg)
      }
      let leaf = leafFilter, mask = rowMask
      let dimCodes = grain.map { seg.codes[$0]! }
      let strides = encoder.strides
      // Per measure: a value column, or nil to count rows.
      let inputs: [ContiguousArray<Int64>?] = measures.map { seg.sums[$0] }
      let counted = measures.map { seg.counted.contains($0) }
      let chunks = n >= parallelRowThreshold ? max(1, min(8, activeProcessorCount)) : 1
      let partials = UnsafeMutableBufferPointer<Int64>.allocate(capacity: width * slots * chunks)
      partials.initialize(repeating: 0)
      defer { partials.deallocate() }
      nonisolated(unsafe) let out = partials
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = n * c / chunks, hi = n * (c + 1) / chunks
        let acc = UnsafeMutableBufferPointer(rebasing: out[(c * width * slots)..<((c + 1) * width * slots)])
        accumulate(
          rows: lo..<hi, dimCodes: dimCodes, strides: strides, leaf: leaf, mask: mask, inputs: inputs,
          counted: counted, width: width, into: acc)
      }
      for c in 0..<chunks {
        for i in 0..<(width * slots) { total[i] &+= partials[c * width * slots + i] }
      }
    }
    var keys: [Int64] = []
    var values: [Measure: [Int64]] = [:]
    for key in 0..<width where total[key] > 0 { keys.append(Int64(key)) }
    for (j, m) in measures.enumerated() {
      let base = (j + 1) * width
      values[m] = keys.map { total[base + Int($0)] }
    }
    return FactAggregate(keys: keys, values: values)
  }

  /// The fused inner loop over one chunk of rows.
  ///
  /// Dispatches once to a loop specialised for the filter kind and the number of grain
  /// dimensions; inside, rows that fail the filter add zero (no branch per row).
  private static func accumulate(
    rows: Range<Int>, dimCodes: [ContiguousArray<Int32>], strides: [Int64],
    leaf: (codes: ContiguousArray<Int32>, allowed: [Bool])?, mask: ContiguousArray<UInt8>?,
    inputs: [ContiguousArray<Int64>?], counted: [Bool], width: Int, into acc: UnsafeMutableBufferPointer<Int64>
  ) {
    let allowed = leaf.map { ContiguousArray($0.allowed.map { Int64($0 ? 1 : 0) }) }
    // Counted measures equal the row count (slot 0); only value sums run per row.
    let sumSlots = inputs.indices.filter { inputs[$0] != nil }
    withExtendedLifetime((dimCodes, inputs, leaf, allowed, mask)) {
      let values = sumSlots.map { inputs[$0]!.withUnsafeBufferPointer { $0.baseAddress! } }
      let bases = sumSlots.map { ($0 + 1) * width }
      let sums = SumInputs(values: values, bases: bases)
      let key: any RowKey
      switch dimCodes.count {
      case 0: key = NoKey()
      case 1: key = OneKey(a: dimCodes[0].withUnsafeBufferPointer { $0.baseAddress! })
      case 2:
        key = TwoKeys(
          a: dimCodes[0].withUnsafeBufferPointer { $0.baseAddress! },
          b: dimCodes[1].withUnsafeBufferPointer { $0.baseAddress! }, strideA: Int(strides[0]))
      default:
        key = ManyKeys(codes: dimCodes.map { $0.withUnsafeBufferPointer { $0.baseAddress! } }, strides: strides.map { Int($0) })
      }
      if let leaf, let allowed {
        let f = LeafPass(codes: leaf.codes.withUnsafeBufferPointer { $0.baseAddress! }, allowed: allowed.withUnsafeBufferPointer { $0.baseAddress! })
        run(rows, key, f, sums, acc.baseAddress!)
      } else if let mask {
        run(rows, key, MaskPass(mask: mask.withUnsafeBufferPointer { $0.baseAddress! }), sums, acc.baseAddress!)
      } else {
        run(rows, key, AllPass(), sums, acc.baseAddress!)
      }
    }
    for (j, isCounted) in counted.enumerated() where isCounted && inputs[j] == nil {
      for k in 0..<width { acc[(j + 1) * width + k] = acc[k] }
    }
  }

  private static func run(
    _ rows: Range<Int>, _ key: any RowKey, _ pass: some RowPass, _ sums: SumInputs, _ a: UnsafeMutablePointer<Int64>
  ) {
    func go<K: RowKey>(_ key: K) {
      switch sums.values.count {
      case 0: loop(rows, key, pass, a) { _, _, _ in }
      case 1:
        let v0 = sums.values[0], b0 = sums.bases[0]
        loop(rows, key, pass, a) { i, k, p in a[b0 &+ k] &+= v0[i] &* p }
      case 2:
        let v0 = sums.values[0], b0 = sums.bases[0], v1 = sums.values[1], b1 = sums.bases[1]
        loop(rows, key, pass, a) { i, k, p in
          a[b0 &+ k] &+= v0[i] &* p
          a[b1 &+ k] &+= v1[i] &* p
        }
      default:
        loop(rows, key, pass, a) { i, k, p in
          for j in 0..<sums.values.count { a[sums.bases[j] &+ k] &+= sums.values[j][i] &* p }
        }
      }
    }
    switch key {
    case let k as NoKey: go(k)
    case let k as OneKey: go(k)
    case let k as TwoKeys: go(k)
    case let k as ManyKeys: go(k)
    default: break
    }
  }

  @inline(__always)
  private static func loop<K: RowKey, P: RowPass>(
    _ rows: Range<Int>, _ key: K, _ pass: P, _ a: UnsafeMutablePointer<Int64>,
    _ body: (Int, Int, Int64) -> Void
  ) {
    var r = rows.lowerBound
    while r < rows.upperBound {
      let end = min(rows.upperBound, r + 0x10000)
      if Cancellation.isRequested { return }
      for i in r..<end {
        let p = pass.pass(i)
        let k = key.key(i)
        a[k] &+= p
        body(i, k, p)
      }
      r = end
    }
  }

  static var activeProcessorCount: Int {
    #if canImport(Glibc)
      return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
      return 2
    #endif
  }
}

#if canImport(Glibc)
  import Glibc
#endif

/// The value columns a fused loop adds, with their accumulator offsets.
struct SumInputs {
  var values: [UnsafePointer<Int64>]
  var bases: [Int]
}

/// How a fused loop computes a row's composite key.
protocol RowKey { func key(_ i: Int) -> Int }
struct NoKey: RowKey {
  @inline(__always) func key(_ i: Int) -> Int { 0 }
}
struct OneKey: RowKey {
  let a: UnsafePointer<Int32>
  @inline(__always) func key(_ i: Int) -> Int { Int(a[i]) }
}
struct TwoKeys: RowKey {
  let a: UnsafePointer<Int32>, b: UnsafePointer<Int32>, strideA: Int
  @inline(__always) func key(_ i: Int) -> Int { Int(a[i]) &* strideA &+ Int(b[i]) }
}
struct ManyKeys: RowKey {
  let codes: [UnsafePointer<Int32>], strides: [Int]
  @inline(__always) func key(_ i: Int) -> Int {
    var k = 0
    for d in 0..<codes.count { k &+= Int(codes[d][i]) &* strides[d] }
    return k
  }
}

/// Whether a row passes the filter, as 0 or 1 (added, so no branch per row).
protocol RowPass { func pass(_ i: Int) -> Int64 }
struct AllPass: RowPass {
  @inline(__always) func pass(_ i: Int) -> Int64 { 1 }
}
struct LeafPass: RowPass {
  let codes: UnsafePointer<Int32>, allowed: UnsafePointer<Int64>
  @inline(__always) func pass(_ i: Int) -> Int64 { allowed[Int(codes[i])] }
}
struct MaskPass: RowPass {
  let mask: UnsafePointer<UInt8>
  @inline(__always) func pass(_ i: Int) -> Int64 { Int64(mask[i]) }
}
