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
    segments: [Segment], grain: [Dimension], encoder: KeyEncoder, filter: BoundCondition?, measures: [Measure]
  ) -> FactAggregate {
    let width = Int(encoder.product)
    let slots = 1 + measures.count  // row count, then one per measure
    var total = [Int64](repeating: 0, count: width * slots)
    for seg in segments {
      let n = seg.count
      guard n > 0 else { continue }
      var leafFilter: (codes: ContiguousArray<Int32>, allowed: [Bool])?
      var rowMask: ContiguousArray<UInt8>?
      if case .leaf(let d, let allowed, _)? = filter {
        leafFilter = (seg.codes[d]!, allowed)
      } else if let filter {
        rowMask = evaluate(filter, seg)
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
  private static func accumulate(
    rows: Range<Int>, dimCodes: [ContiguousArray<Int32>], strides: [Int64],
    leaf: (codes: ContiguousArray<Int32>, allowed: [Bool])?, mask: ContiguousArray<UInt8>?,
    inputs: [ContiguousArray<Int64>?], counted: [Bool], width: Int, into acc: UnsafeMutableBufferPointer<Int64>
  ) {
    // Raw pointers for the loop: no bounds checks or retain/release per row. Codes are always
    // inside their dimension's space, so keys are inside 0..<width.
    let dims = dimCodes.map { $0.withUnsafeBufferPointer { $0.baseAddress! } }
    let stride = strides.map { Int($0) }
    let values = inputs.map { $0?.withUnsafeBufferPointer { $0.baseAddress! } }
    let leafCodes = leaf?.codes.withUnsafeBufferPointer { $0.baseAddress! }
    let allowed = leaf.map { ContiguousArray($0.allowed.map { UInt8($0 ? 1 : 0) }) }
    let allowedPtr = allowed?.withUnsafeBufferPointer { $0.baseAddress! }
    let maskPtr = mask?.withUnsafeBufferPointer { $0.baseAddress! }
    let a = acc.baseAddress!
    let m = values.count
    withExtendedLifetime((dimCodes, inputs, leaf, allowed, mask)) {
      var r = rows.lowerBound
      while r < rows.upperBound {
        let end = min(rows.upperBound, r + 0x10000)
        if Cancellation.isRequested { return }
        for i in r..<end {
          if let leafCodes, allowedPtr![Int(leafCodes[i])] == 0 { continue }
          if let maskPtr, maskPtr[i] == 0 { continue }
          var key = 0
          switch dims.count {
          case 0: key = 0
          case 1: key = Int(dims[0][i])
          case 2: key = Int(dims[0][i]) &* stride[0] &+ Int(dims[1][i])
          default:
            for d in 0..<dims.count { key &+= Int(dims[d][i]) &* stride[d] }
          }
          a[key] &+= 1
          for j in 0..<m {
            if let v = values[j] {
              a[(j + 1) &* width &+ key] &+= v[i]
            } else if counted[j] {
              a[(j + 1) &* width &+ key] &+= 1
            }
          }
        }
        r = end
      }
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
