import CQStorage
import Foundation

/// How payouts are spread over tracking rows (SPEC §4, `set allocation`).
public enum AllocationWeight: String, Sendable, Hashable, CaseIterable {
  case orders, revenue
}

/// The regular codes of a dimension and their labels.
///
/// Rows map to codes `0..<count`; two special codes follow: `unknown` (an influencer id that is
/// not in influencers.csv) and `unattributed` (payout with no tracking rows to carry it).
struct DimensionSpace {
  var count: Int
  var label: (Int32) -> String
  /// Codes are already in the order people expect (time, tiers); else labels sort naturally.
  var sortsByCode: Bool

  var unknown: Int32 { Int32(count) }
  var unattributed: Int32 { Int32(count + 1) }
  var total: Int { count + 2 }

  func labelFor(_ code: Int32) -> String {
    if code == unknown { return "(unknown)" }
    if code == unattributed { return "(unattributed)" }
    return label(code)
  }
}

/// The loaded data plus derived columns the engine caches (codes per fact and dimension,
/// first-purchase dates, spend allocation).
///
/// Caches are filled lazily under a lock; arrays handed out are immutable values.
final class Store: @unchecked Sendable {
  let data: DataSet
  let influencerCount: Int
  /// Influencer dictionary (shared domain): id text per code.
  let influencerIDs: StringDictionary
  let followers: ContiguousArray<Int64>
  /// Tracking rows by allocation key, as CSR: `keyRows[keyStart[k]..<keyStart[k+1]]`.
  private let lock = NSLock()
  private var codeCache: [String: ContiguousArray<Int32>] = [:]
  private var allocationCache: [AllocationWeight: Allocation] = [:]
  private var firstDates: ContiguousArray<Int32>?
  private var labelsCache: [Dimension: [String]] = [:]
  private var distinctCache: [String: ContiguousArray<Int32>] = [:]
  private var presenceCache: [String: [Bool]] = [:]
  private var rankCache: [Dimension: [Int32]] = [:]
  /// Dimensions whose rank table was looked for in the derived-column cache.
  private var rankReads: Set<Dimension> = []
  var narrowCodeCache: [String: NarrowCodes] = [:]
  var narrowValueCache: [String: NarrowValues] = [:]
  /// Narrow copies read from disk whose chunks are checked as scans first read them.
  var narrowChecks: [String: DerivedCheck] = [:]

  func withLock<T>(_ body: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body()
  }
  let minDay: Int32
  let maxDay: Int32
  /// The data folder's source files as loaded: derived columns on disk must match them.
  let fingerprint: DataFingerprint?

  init(data: DataSet) {
    self.data = data
    fingerprint = DataFingerprint.of(folder: data.folder)
    influencerCount = data.influencers.rowCount
    influencerIDs = data.influencers.strings("id").dictionary
    followers = data.influencers.integers("follower_count")
    var lo = Int32.max
    var hi = Int32.min
    for t in [data.tracking, data.posts] {
      for d in t.dates("date") {
        if d < lo { lo = d }
        if d > hi { hi = d }
      }
    }
    if lo > hi {
      lo = 20_000
      hi = 20_000
    }
    minDay = lo
    maxDay = hi
  }

  func table(_ fact: Fact) -> Table {
    switch fact {
    case .tracking: data.tracking
    case .posts: data.posts
    case .payouts: data.payouts
    case .influencers: data.influencers
    }
  }

  func rowCount(_ fact: Fact) -> Int { table(fact).rowCount }

  /// Influencer codes of a fact's rows.
  func influencerCodes(_ fact: Fact) -> ContiguousArray<Int32> {
    if fact == .influencers { return ContiguousArray(0..<Int32(influencerCount)) }
    return table(fact).strings("influencer_id").codes
  }

  // MARK: - Dimensions

  /// Whether `fact`'s own rows carry `dimension` (no allocation).
  func carries(_ fact: Fact, _ dimension: Dimension) -> Bool {
    if dimension.isInfluencerAttribute { return true }
    switch fact {
    case .influencers: return false
    case .tracking:
      switch dimension {
      case .campaign, .brand, .product, .source, .user: return true
      case .day, .week, .month, .quarter, .year, .weekday: return true
      default: return false
      }
    case .posts:
      switch dimension {
      case .postPlatform: return true
      case .campaign: return data.posts.has("campaign")
      case .day, .week, .month, .quarter, .year, .weekday: return true
      default: return false
      }
    case .payouts:
      switch dimension {
      case .basis: return true
      case .campaign: return data.payouts.has("campaign")
      case .status: return data.payouts.has("status")
      default: return false
      }
    }
  }

  func space(_ dimension: Dimension, tiers: Tiers) -> DimensionSpace {
    switch dimension {
    case .influencer:
      let labels = influencerLabels()
      return DimensionSpace(count: labels.count, label: { labels[Int($0)] }, sortsByCode: false)
    case .tier:
      let names = tiers.names
      // Tiers sort in size order, like time.
      return DimensionSpace(count: names.count, label: { names[Int($0)] }, sortsByCode: true)
    case .day, .week, .month, .quarter, .year, .weekday:
      guard let grain = dimension.timeGrain else { preconditionFailure("a time dimension") }
      let base = timeBase(grain)
      let count = grain == .weekday ? 7 : Int(TimeCodes.value(maxDay, grain) - base) + 1
      return DimensionSpace(
        count: count, label: { TimeCodes.label(base + Int64($0), grain) }, sortsByCode: true)
    default:
      // Dictionary dimensions: the column `valueDictionary` names (none: an empty space).
      let d = valueDictionary(dimension) ?? StringDictionary()
      return DimensionSpace(count: d.count, label: { d[$0] }, sortsByCode: false)
    }
  }

  /// Influencer labels per influencer code: the name, `name (#id)` when names repeat, and
  /// `(unknown #id)` for ids only seen in fact tables.
  func influencerLabels() -> [String] {
    lock.lock()
    defer { lock.unlock() }
    if let l = labelsCache[.influencer] { return l }
    let names = data.influencers.strings("name")
    var counts: [String: Int] = [:]
    for c in names.codes { counts[names.dictionary[c], default: 0] += 1 }
    var labels: [String] = []
    labels.reserveCapacity(influencerIDs.count)
    for code in 0..<influencerIDs.count {
      if code < influencerCount {
        let n = names.dictionary[names.codes[code]]
        labels.append(counts[n, default: 0] > 1 ? "\(n) (#\(influencerIDs[Int32(code)]))" : n)
      } else {
        labels.append("(unknown #\(influencerIDs[Int32(code)]))")
      }
    }
    labelsCache[.influencer] = labels
    return labels
  }

  /// Codes of `dimension` for each row of `fact` (which must carry it).
  ///
  /// Tables with at least this many rows keep no derived code arrays (see `codes`).
  static var keptDerivedRows: Int { ExecutionTuning.current.keptDerivedRows }

  /// Which codes of a tracking dimension (brand, product) occur in tracking_data: a brand known
  /// only from store_orders.csv or products.csv has none.
  ///
  /// - Complexity: O(*n*) in tracking rows the first time, then cached (in memory, and on disk
  ///   beside the columnar cache for the next process).
  func trackedCodes(_ dimension: Dimension) -> [Bool] {
    let key = "tracked/\(dimension.rawValue)"
    if let cached = withLock({ presenceCache[key] }) { return cached }
    let space = self.space(dimension, tiers: .standard)
    if case .u8(let stored)? = storedNarrow("tracking|" + key), stored.count == space.total {
      let present = stored.map { $0 != 0 }
      withLock { presenceCache[key] = present }
      return present
    }
    var flags = ContiguousArray<UInt8>(repeating: 0, count: space.total)
    let codes = self.codes(.tracking, dimension, tiers: .standard)
    flags.withUnsafeMutableBufferPointer { f in
      codes.withUnsafeBufferPointer { c in
        for code in c where code >= 0 && Int(code) < f.count { f[Int(code)] = 1 }
      }
    }
    let present = flags.map { $0 != 0 }
    withLock { presenceCache[key] = present }
    persistNarrow("tracking|" + key, .u8(flags))
    return present
  }

  /// Derived codes (influencer attributes and time grains per row) of a large table are not
  /// kept: the narrow caches keep the compact copies queries scan, and holding both would cost
  /// 4 bytes a row per dimension.
  /// - Complexity: O(*n*) in the fact's rows on first use, then cached (small or stored codes).
  func codes(_ fact: Fact, _ dimension: Dimension, tiers: Tiers) -> ContiguousArray<Int32> {
    let key =
      "\(fact.rawValue)/\(dimension.rawValue)/\(dimension == .tier ? tiers.description : "")"
    lock.lock()
    if let c = codeCache[key] {
      lock.unlock()
      return c
    }
    lock.unlock()
    let computed = computeCodes(fact, dimension, tiers: tiers)
    let derived =
      dimension.timeGrain != nil || [.category, .gender, .platform, .tier].contains(dimension)
    guard !derived || computed.count < Store.keptDerivedRows else { return computed }
    lock.lock()
    codeCache[key] = computed
    lock.unlock()
    return computed
  }

  private func computeCodes(_ fact: Fact, _ dimension: Dimension, tiers: Tiers) -> ContiguousArray<
    Int32
  > {
    let t = table(fact)
    let n = t.rowCount
    switch dimension {
    case .influencer, .influencerID:
      return influencerCodes(fact)
    case .category, .gender, .platform, .tier:
      let infl = influencerCodes(fact)
      let space = self.space(dimension, tiers: tiers)
      let attribute: ContiguousArray<Int32>
      if dimension == .tier {
        attribute = ContiguousArray(followers.map { tiers.tier(of: $0) })
      } else {
        attribute = data.influencers.strings(dimension.rawValue).codes
      }
      let unknown = space.unknown
      let limit = Int32(influencerCount)
      return ContiguousArray(unsafeUninitializedCapacity: n) { buf, count in
        attribute.withUnsafeBufferPointer { attr in
          for r in 0..<n {
            let i = infl[r]
            buf[r] = i < limit ? attr[Int(i)] : unknown
          }
        }
        count = n
      }
    case .campaign, .brand, .product, .source, .basis, .status:
      return t.strings(dimension.rawValue).codes
    case .user:
      return t.strings("user_id").codes
    case .postPlatform:
      return t.strings("platform").codes
    case .day, .week, .month, .quarter, .year, .weekday:
      guard let grain = dimension.timeGrain else { preconditionFailure("a time dimension") }
      let base = timeBase(grain)
      let dates = t.dates("date")
      // One calendar conversion per day of the data, then a lookup per row.
      let lo = minDay
      let days = Int(maxDay) - Int(minDay) + 1
      let byDay = ContiguousArray(
        (0..<max(0, min(days, 1 << 20))).map {
          Int32(TimeCodes.value(lo + Int32($0), grain) - base)
        })
      return ContiguousArray(unsafeUninitializedCapacity: n) { buf, count in
        byDay.withUnsafeBufferPointer { table in
          for r in 0..<n {
            let d = dates[r]
            let i = Int(d) - Int(lo)
            buf[r] = i >= 0 && i < table.count ? table[i] : Int32(TimeCodes.value(d, grain) - base)
          }
        }
        count = n
      }
    }
  }

  /// `dimension`'s rank table when an earlier query (or an earlier process, through the
  /// derived-column cache) computed it.
  func knownLabelRanks(_ dimension: Dimension, space: DimensionSpace) -> [Int32]? {
    if let r = withLock({ rankCache[dimension] }) { return r }
    guard Store.storesRanks(space), withLock({ rankReads.insert(dimension).inserted }),
      let stored = DerivedCache.read(
        folder: data.folder, name: Store.rankCacheName(dimension), data: fingerprint),
      stored.count == 1,
      case .i32(let r) = stored[0], r.count == space.count
    else { return nil }
    let ranks = Array(r)
    withLock { rankCache[dimension] = ranks }
    return ranks
  }

  /// Each code of `dimension`'s position in natural label order (`LabelOrder.ranks`), computed
  /// once: labels depend on the data only (tiers sort by code and never come here).
  func labelRanks(_ dimension: Dimension, space: DimensionSpace) -> [Int32] {
    if let r = knownLabelRanks(dimension, space: space), r.count == space.count { return r }
    let r = LabelOrder.ranks(space)
    // A sort cut short by Ctrl-C leaves an arbitrary order: used for nothing shown, never kept.
    if CancellationToken.current.isCancelled { return r }
    withLock { rankCache[dimension] = r }
    // Kept beside the columnar cache: a fresh process sorts users without ranking them again.
    if Store.storesRanks(space) {
      DerivedCache.write(
        folder: data.folder, name: Store.rankCacheName(dimension), data: fingerprint,
        [.i32(ContiguousArray(r))])
    }
    return r
  }

  /// Rank tables of large dimensions (users, influencers) are kept on disk; small ones are
  /// quick to make.
  static func storesRanks(_ space: DimensionSpace) -> Bool { space.count >= 1 << 10 }

  /// Labels depend on the data only; the version names the order (`LabelOrder.ranks`).
  static func rankCacheName(_ dimension: Dimension) -> String {
    "label-ranks-v1-\(dimension.rawValue)"
  }

  /// A derived per-row code array (each code in `-1..<cardinality`), computed once and kept in
  /// memory and on disk beside the columnar cache, so a fresh process reads it.
  func cachedCodes(
    _ key: String, count: Int, cardinality: Int, _ make: () -> ContiguousArray<Int32>
  ) -> ContiguousArray<Int32> {
    if let c = withLock({ distinctCache[key] }) { return c }
    if case .i32(let c)? = storedNarrow(key), c.count == count,
      c.allSatisfy({ $0 >= -1 && Int($0) < cardinality })
    {
      withLock { distinctCache[key] = c }
      return c
    }
    let v = make()
    withLock { distinctCache[key] = v }
    persistNarrow(key, .i32(v))
    return v
  }

  /// The grain value of code 0: the data's first period (weekday: Monday).
  func timeBase(_ grain: TimeGrain) -> Int64 {
    grain == .weekday ? 0 : TimeCodes.value(minDay, grain)
  }

  // MARK: - First purchases

  /// Per user code: the day of the user's first purchase over all tracking rows.
  func firstPurchaseDays() -> ContiguousArray<Int32> {
    lock.lock()
    defer { lock.unlock() }
    if let f = firstDates { return f }
    let users = data.tracking.strings("user_id")
    if let stored = DerivedCache.read(
      folder: data.folder, name: "first-purchase-days", data: fingerprint),
      stored.count == 1,
      case .i32(let first) = stored[0], first.count == users.dictionary.count
    {
      firstDates = first
      return first
    }
    let dates = data.tracking.dates("date")
    var first = ContiguousArray<Int32>(repeating: .max, count: users.dictionary.count)
    for r in 0..<users.codes.count {
      let u = Int(users.codes[r])
      if dates[r] < first[u] { first[u] = dates[r] }
    }
    firstDates = first
    // Kept beside the columnar cache: a fresh process on the same data reads them.
    DerivedCache.write(
      folder: data.folder, name: "first-purchase-days", data: fingerprint, [.i32(first)])
    return first
  }

  // MARK: - Allocation

  func allocation(_ weight: AllocationWeight) -> Allocation {
    lock.lock()
    if let a = allocationCache[weight] {
      lock.unlock()
      return a
    }
    lock.unlock()
    // Read from the derived-column cache when the data has not changed since it was written.
    let name = "allocation-\(weight.rawValue)"
    let a: Allocation
    let folder = data.folder
    let loaded = fingerprint
    let rowsName = "allocation-rows-\(weight.rawValue)"
    if let stored = DerivedCache.read(folder: folder, name: name, data: loaded),
      let read = Allocation(
        stored: stored, weight: weight, trackingRows: data.tracking.rowCount,
        payoutRows: data.payouts.rowCount,
        rows: { DerivedCache.read(folder: folder, name: rowsName, data: loaded) },
        remake: { [self] in
          let made = Allocation(store: self, weight: weight)
          DerivedCache.write(
            folder: folder, name: rowsName, data: loaded, made.storedRows)
          return made.keyRows
        })
    {
      a = read
    } else {
      a = Allocation(store: self, weight: weight)
      DerivedCache.write(
        folder: folder, name: name, data: loaded, a.stored)
      DerivedCache.write(
        folder: folder, name: rowsName, data: loaded, a.storedRows)
    }
    lock.lock()
    allocationCache[weight] = a
    lock.unlock()
    return a
  }
}

/// Time grain values: day numbers, Monday day numbers, month/quarter/year indexes, weekday.
enum TimeCodes {
  static func value(_ day: Int32, _ grain: TimeGrain) -> Int64 {
    switch grain {
    case .day: return Int64(day)
    case .week: return Int64(DayNumber.monday(of: day)) / 7
    case .month:
      let c = DayNumber.civil(day)
      return Int64(c.year * 12 + c.month - 1)
    case .quarter:
      let c = DayNumber.civil(day)
      return Int64(c.year * 4 + (c.month - 1) / 3)
    case .year: return Int64(DayNumber.civil(day).year)
    case .weekday: return Int64(DayNumber.weekday(day))
    }
  }

  /// The first and last day of a grain value (weekday: not a period; returns nil).
  static func period(_ value: Int64, _ grain: TimeGrain) -> ClosedRange<Int64>? {
    switch grain {
    case .day: return value...value
    case .week:
      let monday = mondayDay(value)
      return monday...(monday + 6)
    case .month:
      let y = Int(value / 12)
      let m = Int(value % 12) + 1
      guard let s = DayNumber.from(year: y, month: m, day: 1) else { return nil }
      return Int64(s)...Int64(s) + Int64(DayNumber.daysIn(month: m, year: y)) - 1
    case .quarter:
      let y = Int(value / 4)
      let q = Int(value % 4)
      guard let s = DayNumber.from(year: y, month: q * 3 + 1, day: 1),
        let e = DayNumber.from(
          year: y, month: q * 3 + 3, day: DayNumber.daysIn(month: q * 3 + 3, year: y))
      else { return nil }
      return Int64(s)...Int64(e)
    case .year:
      guard let s = DayNumber.from(year: Int(value), month: 1, day: 1),
        let e = DayNumber.from(year: Int(value), month: 12, day: 31)
      else { return nil }
      return Int64(s)...Int64(e)
    case .weekday: return nil
    }
  }

  /// Week values are Monday day numbers divided by 7 (Mondays are ≡ 4 mod 7 from the epoch).
  static func mondayDay(_ weekValue: Int64) -> Int64 {
    // Mondays are day numbers ≡ 4 (mod 7): 1970-01-05 is day 4.
    weekValue * 7 + 4
  }

  static func label(_ value: Int64, _ grain: TimeGrain) -> String {
    switch grain {
    case .day: return DayNumber.isoString(Int32(value))
    case .week: return DayNumber.isoString(Int32(mondayDay(value)))
    case .month:
      let m = value % 12 + 1
      return "\(value / 12)-\(m < 10 ? "0" : "")\(m)"
    case .quarter: return "\(value / 4)-Q\(value % 4 + 1)"
    case .year: return "\(value)"
    case .weekday: return DayNumber.weekdayNames[Int(value)]
    }
  }
}
