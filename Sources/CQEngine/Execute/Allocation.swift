import CQStorage

/// Spend allocation (SPEC §4): each payout is spread over its influencer's (and campaign's)
/// tracking rows in proportion to their orders (or revenue), weights over all rows, shares
/// rounded to whole paise by largest remainder within each payout.
///
/// Holds, per tracking row, the sum of the shares it carries from every payout of its key
/// (`perRow`), and the payout rows whose key has no tracking rows (`unattributedRows`).
struct Allocation: Sendable {
  let weight: AllocationWeight
  /// Tracking row → allocated paise (sum over the key's payouts).
  let perRow: ContiguousArray<Int64>
  /// Payout rows with no tracking rows to carry them.
  let unattributedRows: [Int32]
  /// Payout row → its allocation key, and key → tracking rows (CSR).
  let payoutKey: ContiguousArray<Int32>
  let keyStart: ContiguousArray<Int32>
  let keyRows: ContiguousArray<Int32>
  let keyWeight: ContiguousArray<Int64>
  /// Whether the key includes campaign (payouts has a campaign column).
  let byCampaign: Bool

  /// - Complexity: O(*n* log *k*) in tracking rows, *k* the rows of the largest key.
  init(store: Store, weight: AllocationWeight) {
    self.weight = weight
    let data = store.data
    let tracking = data.tracking, payouts = data.payouts
    byCampaign = payouts.has("campaign") && tracking.has("campaign")
    let nInfluencers = Int32(store.influencerIDs.count)
    let campaignCount: Int32 = byCampaign ? Int32(tracking.strings("campaign").dictionary.count) : 1
    func key(_ influencer: Int32, _ campaign: Int32) -> Int64 {
      Int64(influencer) * Int64(campaignCount) + Int64(campaign)
    }
    // Dense key ids for the pairs that occur in payouts.
    var keyIDs: [Int64: Int32] = [:]
    let pInfl = payouts.strings("influencer_id").codes
    let pCamp = byCampaign ? payouts.strings("campaign").codes : ContiguousArray(repeating: 0, count: payouts.rowCount)
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
    // Tracking row → key id (or -1 when no payout has that pair). Direct table when small.
    let tInfl = tracking.strings("influencer_id").codes
    let tCamp = byCampaign ? tracking.strings("campaign").codes : ContiguousArray(repeating: 0, count: tracking.rowCount)
    let n = tracking.rowCount
    var rowKey = ContiguousArray<Int32>(repeating: -1, count: n)
    let directSize = Int64(nInfluencers) * Int64(campaignCount)
    if directSize <= 1 << 24 {
      var table = ContiguousArray<Int32>(repeating: -1, count: Int(directSize))
      for (k, id) in keyIDs { table[Int(k)] = id }
      for r in 0..<n { rowKey[r] = table[Int(key(tInfl[r], tCamp[r]))] }
    } else {
      for r in 0..<n { rowKey[r] = keyIDs[key(tInfl[r], tCamp[r])] ?? -1 }
    }
    // CSR of tracking rows per key, and total weight per key.
    let w: ContiguousArray<Int64> = weight == .orders ? tracking.integers("orders") : tracking.integers("revenue")
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
    self.payoutKey = payoutKey
    keyStart = start
    keyRows = rows
    self.keyWeight = keyWeight
    // Spread every payout.
    var perRow = ContiguousArray<Int64>(repeating: 0, count: n)
    var unattributed: [Int32] = []
    let totals = payouts.integers("total_payout")
    var scratch: [(row: Int32, share: Int64)] = []
    for p in 0..<payouts.rowCount {
      let k = Int(payoutKey[p])
      if start[k] == start[k + 1] {
        unattributed.append(Int32(p))
        continue
      }
      Allocation.spread(
        total: totals[p], rows: rows[Int(start[k])..<Int(start[k + 1])], weights: w, keyWeight: keyWeight[k],
        into: &scratch)
      for (r, s) in scratch { perRow[Int(r)] &+= s }
    }
    self.perRow = perRow
    unattributedRows = unattributed
  }

  /// The shares of one payout over its key's rows (largest remainder, ties to the earlier row).
  func shares(ofPayout p: Int, weights w: ContiguousArray<Int64>, total: Int64, into out: inout [(row: Int32, share: Int64)]) {
    let k = Int(payoutKey[p])
    Allocation.spread(
      total: total, rows: keyRows[Int(keyStart[k])..<Int(keyStart[k + 1])], weights: w, keyWeight: keyWeight[k],
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
    if left > 0 {
      remainders.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
      var j = 0
      while left > 0 {
        out[remainders[j % remainders.count].index].share += 1
        left -= 1
        j += 1
      }
    }
  }
}
