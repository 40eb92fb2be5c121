import CQStorage
import Dispatch

extension Aggregator {
  /// Key spaces up to this size are aggregated in one fused pass into key-indexed arrays.
  static var fusedKeyLimit: Int64 { ExecutionTuning.current.fusedKeyLimit }
  /// The most keys the fused pass takes when the rows outnumber them (`fusedLimit`).
  static var fusedKeyCap: Int64 { ExecutionTuning.current.fusedKeyCap }
  /// The largest key space aggregated into key-indexed arrays for `rows` rows: 64 Ki keys
  /// always, more (up to 2 Mi) when the rows outnumber the keys, so scanning the accumulators
  /// stays a fraction of scanning the rows (influencer × campaign, user at small scales).
  static func fusedLimit(rows: Int) -> Int64 {
    max(fusedKeyLimit, min(fusedKeyCap, Int64(rows / 4)))
  }
  /// Segments at least this long are split across the cores.
  static var parallelRowThreshold: Int { ExecutionTuning.current.parallelRowThreshold }

  /// Whether `aggregateFused` can answer: a small key space, sums and counts only.
  static func canFuse(
    segments: [Segment], encoder: KeyEncoder, measures: [Measure], keyFilter: ((Int64) -> Int64?)?
  ) -> Bool {
    keyFilter == nil && encoder.product <= fusedLimit(rows: segments.reduce(0) { $0 + $1.count })
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
    segments: [Segment], grain: [Dimension], encoder: KeyEncoder, filter: BoundCondition?,
    measures: [Measure],
    store: Store? = nil, tiers: Tiers = .standard
  ) -> FactAggregate {
    let width = Int(encoder.product)
    let slots = 1 + measures.count  // row count, then one per measure
    var total = [Int64](repeating: 0, count: width * slots)
    for seg in segments where seg.count > 0 {
      aggregateNarrow(
        seg, cacheKey: seg.cacheKey, grain: grain, encoder: encoder, filter: filter,
        measures: measures, store: store,
        tiers: tiers, into: &total)
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

/// How a fused loop reads a row's composite key.
protocol RowKey { func key(_ i: Int) -> Int }
struct OneKey: RowKey {
  let a: UnsafePointer<Int32>
  @inline(__always) func key(_ i: Int) -> Int { Int(a[i]) }
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
