import CQStorage
import Dispatch
import Foundation

/// The tracking rows of each allocation key (CSR), made or read when first needed: most
/// queries read only the per-row shares, so a fresh process does not read the row lists.
///
/// Sendable by its lock: `rows` is read and written only under `lock`, and `load` is an
/// immutable `@Sendable` closure.
final class KeyRows: @unchecked Sendable {
  private let lock = NSLock()
  private var rows: ContiguousArray<Int32>?
  private let load: @Sendable () -> ContiguousArray<Int32>

  init(_ rows: ContiguousArray<Int32>) {
    self.rows = rows
    load = { rows }
  }

  init(loading: @escaping @Sendable () -> ContiguousArray<Int32>) { load = loading }

  /// - Complexity: O(1) once loaded; the first read pays for the load.
  var value: ContiguousArray<Int32> {
    lock.withLock {
      if let rows { return rows }
      let made = load()
      rows = made
      return made
    }
  }
}

/// Spend allocation (SPEC §4): each payout is spread over its influencer's (and campaign's)
/// tracking rows in proportion to their orders (or revenue), weights over all rows, shares
/// rounded to whole paise by largest remainder within each payout.
///
/// Holds, per tracking row, the sum of the shares it carries from every payout of its key
/// (`perRow`), and the payout rows whose key has no tracking rows (`unattributedRows`).
struct Allocation: Sendable {
  let weight: AllocationWeight
  /// Tracking row → allocated paise (sum over the key's payouts), held narrow.
  let perRow: NarrowValues
  /// Payout rows with no tracking rows to carry them.
  let unattributedRows: [Int32]
  /// Payout row → its allocation key, and key → tracking rows (CSR).
  let payoutKey: ContiguousArray<Int32>
  let keyStart: ContiguousArray<Int32>
  let keyRowList: KeyRows
  var keyRows: ContiguousArray<Int32> { keyRowList.value }
  let keyWeight: ContiguousArray<Int64>
  /// Whether the key includes campaign (payouts has a campaign column).
  let byCampaign: Bool

  /// - Complexity: O(*n* log *k*) in tracking rows, *k* the rows of the largest key.
  init(store: Store, weight: AllocationWeight) {
    self.weight = weight
    let data = store.data
    let tracking = data.tracking
    let payouts = data.payouts
    byCampaign = payouts.has("campaign") && tracking.has("campaign")
    let nInfluencers = Int32(store.influencerIDs.count)
    let campaignCount: Int32 = byCampaign ? Int32(tracking.strings("campaign").dictionary.count) : 1
    func key(_ influencer: Int32, _ campaign: Int32) -> Int64 {
      Int64(influencer) * Int64(campaignCount) + Int64(campaign)
    }
    // Dense key ids for the pairs that occur in payouts.
    var keyIDs: [Int64: Int32] = [:]
    let pInfl = payouts.strings("influencer_id").codes
    let pCamp =
      byCampaign
      ? payouts.strings("campaign").codes : ContiguousArray(repeating: 0, count: payouts.rowCount)
    var payoutKey = ContiguousArray<Int32>(repeating: 0, count: payouts.rowCount)
    for p in 0..<payouts.rowCount {
      let k = key(pInfl[p], pCamp[p])
      if let id = keyIDs[k] {
        payoutKey[p] = id
      } else {
        let id = Int32(keyIDs.count)
        keyIDs[k] = id
        payoutKey[p] = id
      }
    }
    let keyCount = keyIDs.count
    let w: ContiguousArray<Int64> =
      weight == .orders ? tracking.integers("orders") : tracking.integers("revenue")
    let n = tracking.rowCount
    let (start, rows, keyWeight) = Allocation.rowsByKey(
      keyIDs, tracking: tracking, byCampaign: byCampaign, campaignCount: campaignCount,
      influencerCount: nInfluencers, weights: w)
    self.payoutKey = payoutKey
    keyStart = start
    keyRowList = KeyRows(rows)
    self.keyWeight = keyWeight
    // Spread every payout, keys split across the cores (a row belongs to one key, so the
    // threads write disjoint rows).
    var unattributed: [Int32] = []
    let totals = payouts.integers("total_payout")
    var payoutsOfKey = [[Int32]](repeating: [], count: keyCount)
    for p in 0..<payouts.rowCount {
      let k = Int(payoutKey[p])
      if start[k] == start[k + 1] {
        unattributed.append(Int32(p))
      } else {
        payoutsOfKey[k].append(Int32(p))
      }
    }
    let chunks = keyCount >= 256 ? 2 : 1
    let byKey = payoutsOfKey
    let keyRowList = rows
    let keyStarts = start
    let weightOfKey = keyWeight
    // Written in place: the per-row array is the largest the allocation makes, never copied.
    let perRow = ContiguousArray<Int64>(unsafeUninitializedCapacity: n) { buffer, count in
      buffer.initialize(repeating: 0)
      count = n
      nonisolated(unsafe) let out = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        var scratch: [(row: Int32, share: Int64)] = []
        for k in (keyCount * c / chunks)..<(keyCount * (c + 1) / chunks) {
          for p in byKey[k] {
            Allocation.spread(
              total: totals[Int(p)], rows: keyRowList[Int(keyStarts[k])..<Int(keyStarts[k + 1])],
              weights: w,
              keyWeight: weightOfKey[k], into: &scratch)
            for (r, share) in scratch { out[Int(r)] &+= share }
          }
        }
      }
    }
    // Kept narrow only: the 64-bit copy goes once narrowed.
    self.perRow = NarrowValues.make(perRow)
    unattributedRows = unattributed
  }

  /// The allocation as stored in the derived-column cache (`DerivedCache`), without the row
  /// lists (``storedRows``, a file of their own).
  var stored: [DerivedArray] {
    let perRow: DerivedArray
    switch self.perRow {
    case .u8(let v): perRow = .u8(v)
    case .i32(let v): perRow = .i32(v)
    case .i64(let v): perRow = .i64(v)
    }
    return [
      perRow, .i32(ContiguousArray(unattributedRows)), .i32(payoutKey), .i32(keyStart),
      .i64(keyWeight), .u8([byCampaign ? 1 : 0]),
    ]
  }

  /// The tracking rows of every key, as stored beside ``stored``.
  var storedRows: [DerivedArray] { [.i32(keyRows)] }

  /// An allocation read back from `stored`, or nil when the arrays are not one; its row lists
  /// come from `rows` when first read (`stored` rows checked against the keys, else made).
  init?(
    stored: [DerivedArray], weight: AllocationWeight, trackingRows: Int, payoutRows: Int,
    rows: @escaping @Sendable () -> [DerivedArray]?,
    remake: @escaping @Sendable () -> ContiguousArray<Int32>
  ) {
    guard stored.count == 6, case .i32(let unattributed) = stored[1],
      case .i32(let payoutKey) = stored[2],
      case .i32(let keyStart) = stored[3],
      case .i64(let keyWeight) = stored[4],
      case .u8(let flag) = stored[5], flag.count == 1, payoutKey.count == payoutRows,
      keyStart.count == keyWeight.count + 1
    else { return nil }
    switch stored[0] {
    case .u8(let v) where v.count == trackingRows: perRow = .u8(v)
    case .i32(let v) where v.count == trackingRows: perRow = .i32(v)
    case .i64(let v) where v.count == trackingRows: perRow = .i64(v)
    default: return nil
    }
    // Every index the shares read stays in range.
    guard payoutKey.allSatisfy({ $0 >= 0 && Int($0) < keyWeight.count }),
      unattributed.allSatisfy({ $0 >= 0 && Int($0) < payoutRows }),
      zip(keyStart, keyStart.dropFirst()).allSatisfy({ $0 <= $1 }), keyStart.first == 0
    else { return nil }
    let rowCount = Int(keyStart.last ?? 0)
    self.weight = weight
    unattributedRows = Array(unattributed)
    self.payoutKey = payoutKey
    self.keyStart = keyStart
    keyRowList = KeyRows(loading: {
      if let read = rows(), read.count == 1, case .i32(let list) = read[0],
        list.count == rowCount, Allocation.allBelow(list, trackingRows)
      {
        return list
      }
      return remake()
    })
    self.keyWeight = keyWeight
    byCampaign = flag[0] != 0
  }

  /// Whether every value is in `0..<limit`, in a loop the compiler vectorizes (row lists
  /// read back hold millions).
  static func allBelow(_ values: ContiguousArray<Int32>, _ limit: Int) -> Bool {
    let largest = values.withUnsafeBufferPointer {
      $0.withMemoryRebound(to: UInt32.self) { NarrowCodes.maximum($0) }
    }
    return largest.map { Int($0) < limit } ?? true
  }

  /// Tracking rows grouped by allocation key (CSR: `rows[start[k]..<start[k+1]]`, ascending)
  /// and each key's total weight; rows whose pair no payout has are left out.
  ///
  /// The row → key map it builds is let go on return, before the caller allocates the shares.
  /// - Complexity: O(*n*) in tracking rows.
  private static func rowsByKey(
    _ keyIDs: [Int64: Int32], tracking: Table, byCampaign: Bool, campaignCount: Int32,
    influencerCount: Int32, weights w: ContiguousArray<Int64>
  ) -> (start: ContiguousArray<Int32>, rows: ContiguousArray<Int32>, weight: ContiguousArray<Int64>)
  {
    func key(_ influencer: Int32, _ campaign: Int32) -> Int64 {
      Int64(influencer) * Int64(campaignCount) + Int64(campaign)
    }
    let keyCount = keyIDs.count
    // Tracking row → key id (or -1 when no payout has that pair). Direct table when small.
    let tInfl = tracking.strings("influencer_id").codes
    let tCamp =
      byCampaign
      ? tracking.strings("campaign").codes : ContiguousArray(repeating: 0, count: tracking.rowCount)
    let n = tracking.rowCount
    var rowKey = ContiguousArray<Int32>(repeating: -1, count: n)
    let directSize = Int64(influencerCount) * Int64(campaignCount)
    if directSize <= 1 << 24 {
      var table = ContiguousArray<Int32>(repeating: -1, count: Int(directSize))
      for (k, id) in keyIDs { table[Int(k)] = id }
      for r in 0..<n { rowKey[r] = table[Int(key(tInfl[r], tCamp[r]))] }
    } else {
      for r in 0..<n { rowKey[r] = keyIDs[key(tInfl[r], tCamp[r])] ?? -1 }
    }
    var start = ContiguousArray<Int32>(repeating: 0, count: keyCount + 1)
    var keyWeight = ContiguousArray<Int64>(repeating: 0, count: keyCount)
    for r in 0..<n where rowKey[r] >= 0 {
      start[Int(rowKey[r]) + 1] += 1
      keyWeight[Int(rowKey[r])] &+= w[r]
    }
    for k in 0..<keyCount { start[k + 1] += start[k] }
    var fill = start
    var rows = ContiguousArray<Int32>(repeating: 0, count: Int(start[keyCount]))
    for r in 0..<n where rowKey[r] >= 0 {
      let k = Int(rowKey[r])
      rows[Int(fill[k])] = Int32(r)
      fill[k] += 1
    }
    return (start, rows, keyWeight)
  }

  /// The shares of one payout over its key's rows (largest remainder, ties to the earlier row).
  func shares(
    ofPayout p: Int, weights w: ContiguousArray<Int64>, total: Int64,
    into out: inout [(row: Int32, share: Int64)]
  ) {
    let k = Int(payoutKey[p])
    Allocation.spread(
      total: total, rows: keyRows[Int(keyStart[k])..<Int(keyStart[k + 1])], weights: w,
      keyWeight: keyWeight[k],
      into: &out)
  }

  static func spread(
    total: Int64, rows: ArraySlice<Int32>, weights: ContiguousArray<Int64>, keyWeight: Int64,
    into out: inout [(row: Int32, share: Int64)]
  ) {
    out.removeAll(keepingCapacity: true)
    guard !rows.isEmpty else { return }
    // Zero total weight: spread equally by row.
    let equal = keyWeight <= 0
    let denominator = equal ? Int64(rows.count) : keyWeight
    var remainders: [(remainder: Int64, index: Int)] = []
    remainders.reserveCapacity(rows.count)
    var assigned: Int64 = 0
    for (i, r) in rows.enumerated() {
      let wr = equal ? 1 : weights[Int(r)]
      let product = total.multipliedFullWidth(by: wr)
      let (q, rem) = denominator.dividingFullWidth(product)
      out.append((r, q))
      remainders.append((rem, i))
      assigned &+= q
    }
    var left = total &- assigned
    guard left > 0 else { return }
    // The `left` largest remainders get one paisa each; ties go to the earlier row. Select the
    // threshold remainder in O(k) rather than sorting.
    var values = remainders.map(\.remainder)
    let threshold = Allocation.select(&values, largest: Int(left))
    for i in out.indices where remainders[i].remainder > threshold {
      out[i].share += 1
      left -= 1
    }
    for i in out.indices where left > 0 && remainders[i].remainder == threshold {
      out[i].share += 1
      left -= 1
    }
  }

  /// The `n`-th largest value (1-based) of `values`, reordering them (quickselect).
  ///
  /// - Complexity: O(*k*) on average for *k* values.
  static func select(_ values: inout [Int64], largest n: Int) -> Int64 {
    var lo = 0
    var hi = values.count - 1
    let target = n - 1  // index in descending order
    while lo < hi {
      let pivot = values[(lo + hi) / 2]
      var i = lo
      var j = hi
      while i <= j {
        while values[i] > pivot { i += 1 }
        while values[j] < pivot { j -= 1 }
        if i <= j {
          values.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if target <= j { hi = j } else if target >= i { lo = i } else { return values[target] }
    }
    return values[target]
  }
}
