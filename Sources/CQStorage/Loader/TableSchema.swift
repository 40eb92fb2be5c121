/// A value domain whose string columns share one dictionary across all tables (SPEC §1).
enum Domain: Int, CaseIterable {
  case influencer, platform, campaign, brand, product, user, source
}

/// How a column's field bytes become values.
enum ValueKind {
  /// A string in a shared domain whose every value must be new: codes are row numbers
  /// (`influencers.id`).
  case key(Domain)
  /// A string in a shared domain dictionary.
  case shared(Domain)
  /// A string with the column's own dictionary (`name`, `category`, `gender`).
  case local
  /// Mostly-unique text, not dictionary-encoded (`url`, `caption`).
  case text
  /// A non-negative whole number.
  case integer
  /// Non-negative rupees with at most two decimals, held as paise.
  case money
  /// A non-negative number with at most two decimals, held as hundredths (`rate`).
  case decimal
  /// An ISO `YYYY-MM-DD` date, held as days since 1970-01-01.
  case date
  /// One of a few words, matched case-insensitively and stored lower-case.
  case choice([String])

  /// Whether a header name can never be a value of this kind (a number, date or choice), so a
  /// repeated header row fails to convert.
  var rejectsHeaderNames: Bool {
    switch self {
    case .integer, .money, .decimal, .date, .choice: true
    case .key, .shared, .local, .text: false
    }
  }

  /// The KIND word of `expected KIND, found "TEXT"`.
  var expected: String {
    switch self {
    case .integer: "integer"
    case .money: "money"
    case .decimal: "number"
    case .date: "date"
    case .choice(let words): "one of " + words.joined(separator: ", ")
    case .key, .shared, .local, .text: "text"
    }
  }

  /// The KIND word for rejecting `text`: a negative number is named as what it lacks
  /// (`expected non-negative integer, found "-2"`), so the message does not read as a
  /// contradiction.
  func expected(rejecting text: String) -> String {
    switch self {
    case .integer, .money, .decimal:
      let trimmed = text.drop { $0 == " " || $0 == "\t" }
      return trimmed.hasPrefix("-") ? "non-negative " + expected : expected
    case .key: return "id"
    default: return expected
    }
  }
}

/// One column a table may have.
struct ColumnSpec {
  var name: String
  var kind: ValueKind
  var required: Bool

  init(_ name: String, _ kind: ValueKind, required: Bool = true) {
    self.name = name
    self.kind = kind
    self.required = required
  }
}

/// The columns of one CSV file (SPEC §1).
struct TableSchema {
  /// The table name (the file name without `.csv`).
  var name: String
  var columns: [ColumnSpec]
  /// Whether to record each row's line number (small keyed tables, for duplicate messages).
  var keepsLines = false

  var fileName: String { name + ".csv" }

  static let influencers = TableSchema(
    name: "influencers",
    columns: [
      ColumnSpec("id", .key(.influencer)),
      ColumnSpec("name", .local),
      ColumnSpec("category", .local),
      ColumnSpec("gender", .local),
      ColumnSpec("follower_count", .integer),
      ColumnSpec("platform", .shared(.platform)),
    ],
    keepsLines: true)

  static let posts = TableSchema(
    name: "posts",
    columns: [
      ColumnSpec("influencer_id", .shared(.influencer)),
      ColumnSpec("platform", .shared(.platform)),
      ColumnSpec("date", .date),
      ColumnSpec("url", .text),
      ColumnSpec("caption", .text),
      ColumnSpec("reach", .integer),
      ColumnSpec("likes", .integer),
      ColumnSpec("comments", .integer),
      ColumnSpec("campaign", .shared(.campaign), required: false),
    ])

  static let tracking = TableSchema(
    name: "tracking_data",
    columns: [
      ColumnSpec("source", .shared(.source)),
      ColumnSpec("campaign", .shared(.campaign)),
      ColumnSpec("influencer_id", .shared(.influencer)),
      ColumnSpec("user_id", .shared(.user)),
      ColumnSpec("product", .shared(.product)),
      ColumnSpec("date", .date),
      ColumnSpec("orders", .integer),
      ColumnSpec("revenue", .money),
      ColumnSpec("brand", .shared(.brand), required: false),
    ])

  static let payouts = TableSchema(
    name: "payouts",
    columns: [
      ColumnSpec("influencer_id", .shared(.influencer)),
      ColumnSpec("basis", .choice(["post", "order", "commission", "hybrid"])),
      ColumnSpec("rate", .decimal),
      ColumnSpec("orders", .integer),
      ColumnSpec("total_payout", .money),
      ColumnSpec("campaign", .shared(.campaign), required: false),
      ColumnSpec("posts", .integer, required: false),
      ColumnSpec("status", .choice(["paid", "pending"]), required: false),
    ])

  static let products = TableSchema(
    name: "products",
    columns: [
      ColumnSpec("product", .shared(.product)),
      ColumnSpec("brand", .shared(.brand)),
    ],
    keepsLines: true)

  static let storeOrders = TableSchema(
    name: "store_orders",
    columns: [
      ColumnSpec("date", .date),
      ColumnSpec("user_id", .shared(.user)),
      ColumnSpec("product", .shared(.product)),
      ColumnSpec("brand", .shared(.brand)),
      ColumnSpec("orders", .integer),
      ColumnSpec("revenue", .money),
      ColumnSpec("source", .shared(.source)),
    ])
}
