/// The tables of one data folder, loaded and related (SPEC §1).
///
/// Invariants established by the loader:
/// - String columns of the same domain share one dictionary: `influencer_id` in every fact
///   table and `influencers.id` share the domain `influencer`; `campaign`, `brand`, `product`,
///   `platform`, `user_id`, `source` are shared by name wherever they occur.
/// - Influencer codes `0..<influencers.rowCount` are the influencer rows in file order
///   (`influencers.id` codes are `0, 1, 2, ...`); codes at or above the row count are ids that
///   appear only in fact tables (unknown influencers: kept, reported in `warnings`).
/// - `tracking_data` always has a `brand` column: read from the file, or derived from
///   `products.csv` at load time.
public struct DataSet: Sendable {
  /// The folder the tables were loaded from.
  public var folder: String
  /// `influencers.csv`: one row per influencer.
  public var influencers: Table
  /// `posts.csv`: one row per post.
  public var posts: Table
  /// `tracking_data.csv`: one row per tracked order.
  public var tracking: Table
  /// `payouts.csv`: one row per payout.
  public var payouts: Table
  /// `products.csv` (product → brand), when present.
  public var products: Table?
  /// `store_orders.csv`, when present.
  public var storeOrders: Table?
  /// Load notes for standard error: extra columns, unknown influencer ids, derived brand.
  public var warnings: [String]

  /// Creates a data set from its loaded tables.
  public init(
    folder: String, influencers: Table, posts: Table, tracking: Table, payouts: Table,
    products: Table? = nil, storeOrders: Table? = nil, warnings: [String] = []
  ) {
    self.folder = folder
    self.influencers = influencers
    self.posts = posts
    self.tracking = tracking
    self.payouts = payouts
    self.products = products
    self.storeOrders = storeOrders
    self.warnings = warnings
  }

  /// All present tables in catalogue order.
  public var tables: [Table] {
    [influencers, posts, tracking, payouts] + [products, storeOrders].compactMap { $0 }
  }

  /// The present table called `name` (any case), or nil.
  public func table(named name: String) -> Table? {
    tables.first { $0.name == name.lowercased() }
  }
}
