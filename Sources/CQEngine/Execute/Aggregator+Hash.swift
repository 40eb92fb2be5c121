import CQStorage
import Dispatch

extension Aggregator {
  /// Rows at least this many are grouped by `partitionedGroups` when the key space is too large
  /// for a dense table.
  static var partitionRowThreshold: Int { ExecutionTuning.current.partitionRowThreshold }
  /// Radix partitions of the hash aggregation: each partition's table stays small enough for
  /// the CPU cache.
  static let partitionBits = 8

  /// Group ids for every row of `segments`, by radix-partitioned hash aggregation.
  ///
  /// The rows' packed integer keys are computed and scattered into partitions by the top bits
  /// of their hash, then each partition builds its own small hash table, partitions spread
  /// over the cores. Ids are dense, partition by partition; filtered rows get −1.
  ///
  /// - Complexity: O(*n* + *g*) for *n* rows and *g* groups; O(*n*) temporary memory (a key
  ///   and a row number a row).
  static func partitionedGroups(
    segments: [Segment], grain: [Dimension], encoder: KeyEncoder, filter: BoundCondition?
  ) -> (keys: [Int64], rowGroups: [ContiguousArray<Int32>]) {
    let counts = segments.map(\.count)
    var starts = [0]
    for c in counts { starts.append(starts[starts.count - 1] + c) }
    let n = starts[starts.count - 1]
    let cores = max(1, min(8, activeProcessorCount))
    // 1. Every row's packed key (−1: filtered out).
    var rowKeys = ContiguousArray<Int64>(repeating: -1, count: n)
    for (si, seg) in segments.enumerated() where seg.count > 0 {
      let mask = filter.map { evaluateFilter($0, seg) }
      let dimCodes = grain.map { seg.codes.required($0) }
      let strides = encoder.strides
      let base = starts[si]
      let count = seg.count
      rowKeys.withUnsafeMutableBufferPointer { out in
        nonisolated(unsafe) let out = out
        // The segment has rows, so each column (and the mask) has an address.
        withPointers(dimCodes) { columns in
          withPointer(mask) { maskPointer in
            nonisolated(unsafe) let (c, m) = (columns, maskPointer)
            DispatchQueue.concurrentPerform(iterations: cores) { t in
              for r in (count * t / cores)..<(count * (t + 1) / cores) {
                if let m, m[r] == 0 { continue }
                var key: Int64 = 0
                for i in 0..<c.count { key &+= Int64(c[i][r]) &* strides[i] }
                out[base + r] = key
              }
            }
          }
        }
      }
    }
    if CancellationToken.current.isCancelled {
      return ([], segments.map { ContiguousArray(repeating: -1, count: $0.count) })
    }
    // 2. Scatter row numbers into partitions (counted per core, so each core writes its own
    // slice of each partition).
    let partitions = 1 << partitionBits
    let shift = UInt64(64 - partitionBits)
    @Sendable @inline(__always) func partition(_ key: Int64) -> Int {
      Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
    var histogram = [Int](repeating: 0, count: cores * partitions)
    histogram.withUnsafeMutableBufferPointer { h in
      nonisolated(unsafe) let h = h
      rowKeys.withUnsafeBufferPointer { k in
        nonisolated(unsafe) let k = k
        DispatchQueue.concurrentPerform(iterations: cores) { t in
          for r in (n * t / cores)..<(n * (t + 1) / cores) where k[r] >= 0 {
            h[t * partitions + partition(k[r])] += 1
          }
        }
      }
    }
    // Offsets: partition-major, then core.
    var offsets = [Int](repeating: 0, count: cores * partitions)
    var partitionStart = [Int](repeating: 0, count: partitions + 1)
    var running = 0
    for p in 0..<partitions {
      partitionStart[p] = running
      for t in 0..<cores {
        offsets[t * partitions + p] = running
        running += histogram[t * partitions + p]
      }
    }
    partitionStart[partitions] = running
    let bounds = partitionStart
    var rows = ContiguousArray<Int32>(repeating: 0, count: running)
    rows.withUnsafeMutableBufferPointer { out in
      nonisolated(unsafe) let out = out
      offsets.withUnsafeMutableBufferPointer { o in
        nonisolated(unsafe) let o = o
        rowKeys.withUnsafeBufferPointer { k in
          nonisolated(unsafe) let k = k
          DispatchQueue.concurrentPerform(iterations: cores) { t in
            for r in (n * t / cores)..<(n * (t + 1) / cores) where k[r] >= 0 {
              let slot = t * partitions + partition(k[r])
              out[o[slot]] = Int32(r)
              o[slot] += 1
            }
          }
        }
      }
    }
    // 3. Each partition: its own hash table, local ids written per row.
    var rowGroup = ContiguousArray<Int32>(repeating: -1, count: n)
    let partitionKeys = UnsafeMutableBufferPointer<[Int64]>.allocate(capacity: partitions)
    partitionKeys.initialize(repeating: [])
    defer {
      partitionKeys.deinitialize()
      partitionKeys.deallocate()
    }
    nonisolated(unsafe) let keysOut = partitionKeys
    let cancellation = CancellationToken.current
    rowGroup.withUnsafeMutableBufferPointer { g in
      nonisolated(unsafe) let g = g
      rows.withUnsafeBufferPointer { rs in
        nonisolated(unsafe) let rs = rs
        rowKeys.withUnsafeBufferPointer { k in
          nonisolated(unsafe) let k = k
          DispatchQueue.concurrentPerform(iterations: partitions) { p in
            if cancellation.isCancelled { return }
            let lo = bounds[p]
            let hi = bounds[p + 1]
            var table = KeyTable(expected: max(16, hi - lo), sharedTopBits: partitionBits)
            for i in lo..<hi {
              let r = Int(rs[i])
              g[r] = table.id(k[r])
            }
            keysOut[p] = table.order
          }
        }
      }
    }
    // 4. Dense ids: each partition's local ids after the groups of the partitions before it.
    var groupStart = [Int32](repeating: 0, count: partitions + 1)
    for p in 0..<partitions { groupStart[p + 1] = groupStart[p] + Int32(partitionKeys[p].count) }
    let firstIDs = groupStart
    rowGroup.withUnsafeMutableBufferPointer { g in
      nonisolated(unsafe) let g = g
      rows.withUnsafeBufferPointer { rs in
        nonisolated(unsafe) let rs = rs
        DispatchQueue.concurrentPerform(iterations: cores) { t in
          for p in (partitions * t / cores)..<(partitions * (t + 1) / cores) where firstIDs[p] > 0 {
            let offset = firstIDs[p]
            for i in bounds[p]..<bounds[p + 1] { g[Int(rs[i])] &+= offset }
          }
        }
      }
    }
    var keys: [Int64] = []
    keys.reserveCapacity(Int(groupStart[partitions]))
    for p in 0..<partitions { keys += partitionKeys[p] }
    let rowGroups = segments.indices.map { si in
      ContiguousArray(rowGroup[starts[si]..<starts[si + 1]])
    }
    return (keys, rowGroups)
  }
}
