import CQStorage

/// What binding a statement needs to know of the data, and nothing of how it is stored: which
/// facts carry which dimensions, each dimension's value domain (for value checks, did-you-mean
/// and the values a filter allows), and the days the data spans (for relative dates).
///
/// The columnar ``Store`` is one catalogue; a database's is another. The binder reads only this,
/// so a ``LogicalPlan`` names values of these domains, never rows of a store.
protocol Catalogue: AnyObject {
  /// Whether `fact`'s own rows carry `dimension` (no allocation).
  func carries(_ fact: Fact, _ dimension: Dimension) -> Bool
  /// The values of `dimension` in domain order, with the two special values after them.
  func space(_ dimension: Dimension, tiers: Tiers) -> DimensionSpace
  /// The period number of the first value of a time dimension's domain.
  func timeBase(_ grain: TimeGrain) -> Int64
  /// The first day of the data (posts and tracking rows).
  var minDay: Int32 { get }
  /// The last day of the data (posts and tracking rows).
  var maxDay: Int32 { get }
  /// Each influencer's plain name, by its place in the influencer domain, for the influencers
  /// of influencers.csv (ids seen only in fact tables have none).
  func influencerNames() -> [String]
  /// Which values of a tracking dimension (brand, product) occur in tracking_data.
  func trackedCodes(_ dimension: Dimension) -> [Bool]
  /// Whether the data has `table` and it has `column`.
  func hasColumn(_ column: String, in table: String) -> Bool
  /// Whether the data has `table` (products, store_orders are optional).
  func hasTable(_ table: String) -> Bool
}

extension Catalogue {
  /// Whether payouts can reach `dimension` by spreading spend over tracking rows.
  func payoutsReachByAllocation(_ dimension: Dimension) -> Bool {
    !carries(.payouts, dimension) && carries(.tracking, dimension)
  }
}

extension Store: Catalogue {
  func influencerNames() -> [String] {
    let names = data.influencers.strings("name")
    return names.codes.map { names.dictionary[$0] }
  }

  func hasColumn(_ column: String, in table: String) -> Bool {
    data.table(named: table)?.has(column) ?? false
  }

  func hasTable(_ table: String) -> Bool { data.table(named: table) != nil }
}
