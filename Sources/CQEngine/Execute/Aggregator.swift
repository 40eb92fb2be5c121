import CQStorage
import Foundation

/// A run of rows to aggregate: code arrays per dimension and value inputs per measure.
///
/// The tracking rows are one segment; unattributed payouts become a second, small one.
struct Segment {
  var count: Int
  /// Per grain or filter dimension, the rows' codes (made when first read).
  var codes: CodeColumns
  var sums: [Measure: ContiguousArray<Int64>] = [:]
  /// Per-row sums the store keeps only narrow (allocated spend): widened when a path needs
  /// 64-bit values.
  var narrowSums: [Measure: NarrowValues] = [:]
  /// Per-row sums derived on demand (new-customer revenue, post followers): the store keeps
  /// them only in its narrow cache, never as a 64-bit copy.
  var sumMakers: [Measure: RowValues] = [:]
  /// Measures counted as rows.
  var counted: Set<Measure> = []
  /// Distinct measures: per row, a value code (−1 to skip) and the value space size.
  var distinct: [Measure: (codes: ContiguousArray<Int32>, cardinality: Int)] = [:]
  /// Identifies the rows for the store's narrow caches (`tracking_data`); nil for rows built
  /// per query (unattributed payouts, per-payout shares).
  var cacheKey: String?
  /// Per sum measure: the cache name of its value column.
  var sumKeys: [Measure: String] = [:]
  /// For distinct measures that sum a weight per distinct value (followers): value code → weight.
  var distinctWeights: [Measure: ContiguousArray<Int64>] = [:]
}

/// A segment's code columns, each made on first read: a query the store answers from its
/// narrow caches never builds the 32-bit codes of a derived dimension (week, platform).
///
/// Sendable by its lock: `made` and `makers` are read and written only under `lock`; a column
/// made twice by two threads at once is the same immutable array either way.
final class CodeColumns: ExpressibleByDictionaryLiteral, @unchecked Sendable {
  private let lock = NSLock()
  private var made: [Dimension: ContiguousArray<Int32>]
  private var makers: [Dimension: () -> ContiguousArray<Int32>] = [:]

  init(dictionaryLiteral elements: (Dimension, ContiguousArray<Int32>)...) {
    made = Dictionary(uniqueKeysWithValues: elements)
  }

  init(_ codes: [Dimension: ContiguousArray<Int32>]) { made = codes }

  /// Makes `d`'s codes with `make` when they are first read.
  func lazy(_ d: Dimension, _ make: @escaping () -> ContiguousArray<Int32>) {
    lock.withLock { makers[d] = make }
  }

  /// - Complexity: O(1), or O(*n*) the first time a lazy column is read.
  subscript(d: Dimension) -> ContiguousArray<Int32>? {
    get {
      if let c = lock.withLock({ made[d] }) { return c }
      guard let make = lock.withLock({ makers[d] }) else { return nil }
      let c = make()
      lock.withLock { made[d] = c }
      return c
    }
    set { lock.withLock { made[d] = newValue } }
  }

  /// `d`'s codes, for a dimension the segment holds by construction (a grain or filter
  /// dimension of the query that built it).
  ///
  /// - Complexity: O(1), or O(*n*) the first time a lazy column is read.
  func required(_ d: Dimension) -> ContiguousArray<Int32> {
    guard let codes = self[d] else { preconditionFailure("segment has no codes for \(d.rawValue)") }
    return codes
  }
}

extension Segment {
  /// Whether `m` is summed from per-row values (held wide, narrow or made on demand).
  func hasSum(_ m: Measure) -> Bool {
    sums[m] != nil || narrowSums[m] != nil || sumMakers[m] != nil
  }

  /// `m`'s per-row values as `Int64`, widened or made when not held that way.
  ///
  /// - Complexity: O(1) when held wide; O(*n*) otherwise.
  func wide(_ m: Measure) -> ContiguousArray<Int64>? {
    if let s = sums[m] { return s }
    if let n = narrowSums[m] { return n.widened }
    return sumMakers[m]?.wide
  }

  /// `m`'s per-row values as `Int64`, for a measure `hasSum(m)` holds.
  ///
  /// - Complexity: O(1) when held wide; O(*n*) otherwise.
  func requiredWide(_ m: Measure) -> ContiguousArray<Int64> {
    guard let values = wide(m) else { preconditionFailure("\(m) is not summed per row") }
    return values
  }
}

/// Per-row values computed from other columns, made wide or narrow without the other copy.
struct RowValues: Sendable {
  let count: Int
  let value: @Sendable (Int) -> Int64

  /// - Complexity: O(*n*).
  var wide: ContiguousArray<Int64> { ContiguousArray((0..<count).lazy.map(value)) }

  /// The values in the narrowest form that holds them, never materialised as `Int64` first.
  ///
  /// - Complexity: O(*n*), two passes (range, then values).
  var narrow: NarrowValues {
    var lo = Int64.max
    var hi = Int64.min
    for r in 0..<count {
      let v = value(r)
      lo = min(lo, v)
      hi = max(hi, v)
    }
    if count == 0 || (lo >= 0 && hi <= 255) {
      return .u8(ContiguousArray((0..<count).lazy.map { UInt8(truncatingIfNeeded: value($0)) }))
    }
    if lo >= Int64(Int32.min) && hi <= Int64(Int32.max) {
      return .i32(ContiguousArray((0..<count).lazy.map { Int32(truncatingIfNeeded: value($0)) }))
    }
    return .i64(wide)
  }
}

/// Composite group keys: the codes of each grain dimension in mixed radix.
struct KeyEncoder {
  var strides: [Int64]
  var sizes: [Int]
  var product: Int64

  init?(sizes: [Int]) {
    self.sizes = sizes
    var s: [Int64] = []
    var p: Int64 = 1
    for size in sizes.reversed() {
      s.append(p)
      let (m, o) = p.multipliedReportingOverflow(by: Int64(size))
      if o { return nil }
      p = m
    }
    strides = s.reversed()
    product = p
  }

  /// The encoder of an empty grain: every row has the one key 0.
  init() {
    strides = []
    sizes = []
    product = 1
  }

  func decode(_ key: Int64) -> [Int32] {
    var out: [Int32] = []
    var k = key
    for s in strides {
      out.append(Int32(k / s))
      k %= s
    }
    return out
  }
}

/// The aggregated measures of one fact at the query grain.
struct FactAggregate {
  var keys: [Int64]
  var values: [Measure: [Int64]]
}

/// Filters and groups segments, then accumulates measures per group.
///
/// Pass 1 maps each row to a group (or −1 when filtered out); later passes add each measure's
/// inputs into per-group accumulators. No per-row allocation or String work.
enum Aggregator {
  /// Key spaces up to this size index a dense table of group ids; larger ones are hashed.
  static var denseKeyLimit: Int64 { ExecutionTuning.current.denseKeyLimit }

  /// - Complexity: O(*n*) per measure in the segments' rows, plus O(*n* log *n*) for distinct
  ///   counts whose groups × values are too many for bitsets.
  static func aggregate(
    segments: [Segment], grain: [Dimension], encoder: KeyEncoder, filter: BoundCondition?,
    measures: [Measure], keyFilter: ((Int64) -> Int64?)? = nil, store: Store? = nil,
    tiers: Tiers = .standard
  ) -> FactAggregate {
    if canFuse(segments: segments, encoder: encoder, measures: measures, keyFilter: keyFilter) {
      return aggregateFused(
        segments: segments, grain: grain, encoder: encoder, filter: filter, measures: measures,
        store: store, tiers: tiers)
    }
    if canFuseDistinct(
      segments: segments, encoder: encoder, measures: measures, keyFilter: keyFilter,
      store: store),
      let store,
      let fused = aggregateDistinct(
        segments[0], grain: grain, encoder: encoder, filter: filter, measures: measures,
        store: store, tiers: tiers)
    {
      return fused
    }
    // Keys index a dense table when the key space is small, else a hash table over the packed
    // integer keys: either way one probe a row, no allocation per group.
    var direct: ContiguousArray<Int32>? =
      encoder.product <= denseKeyLimit
      ? ContiguousArray(repeating: -1, count: Int(encoder.product)) : nil
    if direct == nil, keyFilter == nil,
      segments.reduce(0, { $0 + $1.count }) >= partitionRowThreshold
    {
      let (keys, rowGroups) = partitionedGroups(
        segments: segments, grain: grain, encoder: encoder, filter: filter)
      return accumulate(segments: segments, measures: measures, keys: keys, rowGroups: rowGroups)
    }
    var hashed = KeyTable(
      expected: direct == nil ? min(1 << 20, segments.reduce(0) { $0 + $1.count } / 4) : 0)
    var denseKeys: [Int64] = []
    var rowGroups: [ContiguousArray<Int32>] = []
    for seg in segments {
      let mask = filter.map { evaluateFilter($0, seg) }
      var rg = ContiguousArray<Int32>(repeating: -1, count: seg.count)
      let dimCodes = grain.map { seg.codes.required($0) }
      let strides = encoder.strides
      // Only an empty segment's codes lack an address, and it has no rows to group.
      withPointers(dimCodes) { columns in
        let width = columns.count
        rg.withUnsafeMutableBufferPointer { out in
          for r in 0..<seg.count {
            if r & 0xFFFF == 0, CancellationToken.current.isCancelled { break }
            if let mask, mask[r] == 0 { continue }
            var key: Int64 = 0
            for i in 0..<width { key &+= Int64(columns[i][r]) &* strides[i] }
            if let keyFilter {
              guard let k = keyFilter(key) else { continue }
              key = k
            }
            let g: Int32
            if let existing = direct?[Int(key)] {
              if existing >= 0 {
                g = existing
              } else {
                g = Int32(denseKeys.count)
                direct?[Int(key)] = g
                denseKeys.append(key)
              }
            } else {
              g = hashed.id(key)
            }
            out[r] = g
          }
        }
      }
      rowGroups.append(rg)
    }
    let keys = direct == nil ? hashed.order : denseKeys
    return accumulate(segments: segments, measures: measures, keys: keys, rowGroups: rowGroups)
  }

  /// Each measure per group, given every row's group id (−1: not counted).
  static func accumulate(
    segments: [Segment], measures: [Measure], keys: [Int64], rowGroups: [ContiguousArray<Int32>]
  ) -> FactAggregate {
    let groupCount = keys.count
    var values: [Measure: [Int64]] = [:]
    for m in measures {
      var acc = [Int64](repeating: 0, count: groupCount)
      for (si, seg) in segments.enumerated() {
        let rg = rowGroups[si]
        if let input = seg.wide(m) {
          sum(input, groups: rg, into: &acc)
        } else if seg.counted.contains(m) {
          for g in rg where g >= 0 { acc[Int(g)] += 1 }
        }
      }
      if segments.contains(where: { $0.distinct[m] != nil }) {
        acc = distinctCounts(m, segments: segments, rowGroups: rowGroups, groupCount: groupCount)
      }
      values[m] = acc
    }
    return FactAggregate(keys: keys, values: values)
  }

  static func sum(
    _ input: ContiguousArray<Int64>, groups: ContiguousArray<Int32>, into acc: inout [Int64]
  ) {
    input.withUnsafeBufferPointer { v in
      groups.withUnsafeBufferPointer { g in
        acc.withUnsafeMutableBufferPointer { a in
          for r in 0..<g.count {
            let gi = g[r]
            if gi >= 0 { a[Int(gi)] &+= v[r] }
          }
        }
      }
    }
  }

  /// Distinct values per group: bitsets when groups × values is small, else sorted pairs.
  static func distinctCounts(
    _ m: Measure, segments: [Segment], rowGroups: [ContiguousArray<Int32>], groupCount: Int
  ) -> [Int64] {
    var counts = [Int64](repeating: 0, count: groupCount)
    let cardinality = segments.compactMap { $0.distinct[m]?.cardinality }.max() ?? 0
    let weights = segments.lazy.compactMap { $0.distinctWeights[m] }.first
    @inline(__always) func weight(_ v: Int32) -> Int64 {
      guard let weights else { return 1 }
      return Int(v) < weights.count ? weights[Int(v)] : 0
    }
    let bits = groupCount.multipliedReportingOverflow(by: cardinality)
    if !bits.overflow, bits.partialValue <= 1 << 31 {
      let words = (cardinality + 63) / 64
      var set = [UInt64](repeating: 0, count: groupCount * words)
      for (si, seg) in segments.enumerated() {
        guard let (codes, _) = seg.distinct[m] else { continue }
        let rg = rowGroups[si]
        set.withUnsafeMutableBufferPointer { s in
          for r in 0..<seg.count {
            let g = rg[r]
            let v = codes[r]
            if g < 0 || v < 0 { continue }
            let bit = Int(v)
            let w = Int(g) * words + bit >> 6
            let mask = UInt64(1) << UInt64(bit & 63)
            if s[w] & mask == 0 {
              s[w] |= mask
              counts[Int(g)] += weight(v)
            }
          }
        }
      }
      return counts
    }
    var pairs: [Int64] = []
    for (si, seg) in segments.enumerated() {
      guard let (codes, _) = seg.distinct[m] else { continue }
      let rg = rowGroups[si]
      for r in 0..<seg.count where rg[r] >= 0 && codes[r] >= 0 {
        pairs.append(Int64(rg[r]) << 32 | Int64(codes[r]))
      }
    }
    pairs.sort()
    var last: Int64 = -1
    for p in pairs where p != last {
      counts[Int(p >> 32)] += weight(Int32(truncatingIfNeeded: p & 0xFFFF_FFFF))
      last = p
    }
    return counts
  }

  /// The rows that pass a `where` condition: `(unattributed)` spend never passes a filter on a
  /// dimension payouts lack, even under `not` (it has no value there, like SQL's NULL).
  static func evaluateFilter(_ condition: BoundCondition, _ seg: Segment) -> ContiguousArray<UInt8>
  {
    var mask = evaluate(condition, seg)
    for case .leaf(let d, let allowed, _) in condition.leaves {
      let unattributed = Int32(allowed.count - 1)
      let codes = seg.codes.required(d)
      for r in 0..<seg.count where codes[r] == unattributed { mask[r] = 0 }
    }
    return mask
  }

  /// A 0/1 mask of the rows that pass `condition`.
  static func evaluate(_ condition: BoundCondition, _ seg: Segment) -> ContiguousArray<UInt8> {
    switch condition {
    case .leaf(let d, let allowed, _):
      let codes = seg.codes.required(d)
      return ContiguousArray(unsafeUninitializedCapacity: seg.count) { buf, n in
        allowed.withUnsafeBufferPointer { a in
          for r in 0..<seg.count { buf[r] = a[Int(codes[r])] ? 1 : 0 }
        }
        n = seg.count
      }
    case .and(let a, let b):
      var x = evaluate(a, seg)
      let y = evaluate(b, seg)
      for r in 0..<seg.count { x[r] &= y[r] }
      return x
    case .or(let a, let b):
      var x = evaluate(a, seg)
      let y = evaluate(b, seg)
      for r in 0..<seg.count { x[r] |= y[r] }
      return x
    case .not(let a):
      var x = evaluate(a, seg)
      for r in 0..<seg.count { x[r] ^= 1 }
      return x
    }
  }
}
