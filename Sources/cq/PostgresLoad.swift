import CQPostgres
import CQStorage

/// Writes a validated `DataSet` into a PostgreSQL database: typed tables, `COPY`, one transaction.
///
/// The tables and their columns are the ones the SQL engine reads (SPEC §8), with the values cq's
/// loader holds (trimmed, invisible characters stripped, case-folded spellings merged, `brand`
/// derived from products.csv when tracking_data has none):
///
/// | CSV column kind | SQL type | value |
/// |---|---|---|
/// | text (`name`, `campaign`, `url`, `basis`, …) | `text not null` | as held; an empty field is `''` |
/// | integer count | `bigint not null` | the count |
/// | money (`revenue`, `total_payout`) | `bigint not null` | integer paise |
/// | `rate` | `bigint not null` | hundredths (`12.50` → 1250) |
/// | date | `date not null` | the day |
///
/// Every table but `products` starts with `cq_row bigint not null`, the
/// 0-based row in file order (allocation ties and `sample` order depend on it);
/// `influencers.id` is the primary key. The transaction drops the previous tables (all six,
/// so no stale `store_orders` survives) and cq's derived schema `cq_derived`, so a failure
/// anywhere leaves the database as it was. With the `citus` extension, the fact tables are
/// distributed by `influencer_id` and co-located with `tracking_data` (`store_orders` by
/// `brand`), and `influencers` and `products` are reference tables.
struct PostgresLoad {
  /// What a load did, for the summary line.
  struct Summary {
    var tables: [(name: String, rows: Int)]
    var citus: Bool
  }

  /// A failure: a value that could not be read back (a text column's file changed), or the server.
  enum Failure: Error {
    case data(LoadError)
    case server(PGError)
  }

  /// The schema cq materialises derived tables in; dropped by every load.
  static let derivedSchema = "cq_derived"

  /// Every table cq loads, in creation order (dropped in reverse).
  static let tableNames = [
    "influencers", "products", "posts", "tracking_data", "payouts", "store_orders",
  ]

  let data: DataSet
  let connection: PGConnection
  /// Called with (table, rows copied, rows in the table) as a table is copied.
  var progress: ((String, Int, Int) -> Void)?

  /// Runs the transaction.
  ///
  /// On any failure it is rolled back before the error is thrown.
  ///
  /// - Complexity: O(*n*) in the data set's values; memory O(distinct strings) plus one
  ///   1 MiB buffer.
  func run() throws(Failure) -> Summary {
    do {
      try connection.execute("set client_encoding to 'UTF8'", "begin")
    } catch {
      throw .server(error)
    }
    do throws(Failure) {
      let summary = try load()
      do { try connection.execute("commit") } catch { throw Failure.server(error) }
      // After the commit: on Citus, ANALYZE of a reference table whose coordinator placement
      // the COPY wrote locally fails inside that transaction ("a local execution has accessed
      // a placement"). Statistics only guide plans, so a failure here loses no data.
      for table in data.tables { _ = try? connection.query("analyze " + quoted(table.name)) }
      return summary
    } catch {
      _ = try? connection.query("rollback")
      throw error
    }
  }

  private func load() throws(Failure) -> Summary {
    let tables = data.tables
    let citus: Bool
    do {
      citus = try !connection.query("select 1 from pg_extension where extname = 'citus'").rows
        .isEmpty
      if citus {
        // Before any distributed statement of the transaction: creating, distributing and
        // filling tables in one transaction needs Citus's sequential mode.
        try connection.execute("set local citus.multi_shard_modify_mode to 'sequential'")
      }
      try connection.execute(
        "drop schema if exists \(Self.derivedSchema) cascade",
        "drop table if exists " + Self.tableNames.reversed().map(quoted).joined(separator: ", "))
      for table in tables {
        try connection.execute(Self.createStatement(table))
      }
      if citus {
        for statement in Self.distributeStatements(present: Set(tables.map(\.name))) {
          try connection.execute(statement)
        }
      }
    } catch {
      throw .server(error)
    }
    for table in tables {
      try copy(table)
    }
    return Summary(tables: tables.map { ($0.name, $0.rowCount) }, citus: citus)
  }

  /// Whether a table carries `cq_row` (every table but the two keyed ones).
  static func hasRowNumber(_ table: String) -> Bool {
    // influencers too: `sample influencers` and the catalogue keep the file's order.
    table != "products"
  }

  /// `create table NAME (cq_row bigint not null, COLUMN TYPE not null, …)`.
  static func createStatement(_ table: Table) -> String {
    var columns: [String] = []
    if hasRowNumber(table.name) { columns.append("cq_row bigint not null") }
    for name in table.columnNames {
      guard let column = table.columns[name] else { continue }
      var definition = "\(quoted(name)) \(sqlType(column.kind)) not null"
      if table.name == "influencers" && name == "id" { definition += " primary key" }
      columns.append(definition)
    }
    return "create table \(quoted(table.name)) (\(columns.joined(separator: ", ")))"
  }

  /// The SQL type of a column kind: text, bigint (counts, paise, hundredths) or date.
  static func sqlType(_ kind: ColumnKind) -> String {
    switch kind {
    case .string, .text: "text"
    case .integer, .money, .decimal: "bigint"
    case .date: "date"
    }
  }

  /// Citus: reference tables, then the fact tables distributed and co-located.
  static func distributeStatements(present: Set<String>) -> [String] {
    var out: [String] = []
    for name in ["influencers", "products"] where present.contains(name) {
      out.append("select create_reference_table('\(name)')")
    }
    if present.contains("tracking_data") {
      out.append("select create_distributed_table('tracking_data', 'influencer_id')")
    }
    for name in ["posts", "payouts"] where present.contains(name) {
      out.append(
        "select create_distributed_table('\(name)', 'influencer_id', colocate_with => 'tracking_data')"
      )
    }
    if present.contains("store_orders") {
      out.append(
        "select create_distributed_table('store_orders', 'brand', colocate_with => 'none')")
    }
    return out
  }

  /// Rows per batch read from the columns (and from text columns' files).
  static let batchRows = 8192
  /// Bytes sent to the server per `PQputCopyData`.
  static let sendBytes = 1 << 20

  /// `COPY table (cq_row, …) FROM STDIN` in text format.
  private func copy(_ table: Table) throws(Failure) {
    let writers = table.columnNames.compactMap { table.columns[$0].map(ColumnWriter.init) }
    var names = table.columnNames.filter { table.columns[$0] != nil }.map(quoted)
    let numbered = Self.hasRowNumber(table.name)
    if numbered { names.insert("cq_row", at: 0) }
    let sql = "copy \(quoted(table.name)) (\(names.joined(separator: ", "))) from stdin"
    var readFailure: LoadError?
    let rowCount = table.rowCount
    do {
      _ = try connection.copy(sql) { (send) throws(PGError) in
        var buffer = CopyText()
        buffer.bytes.reserveCapacity(Self.sendBytes + (64 << 10))
        var lower = 0
        progress?(table.name, 0, rowCount)
        while lower < rowCount {
          let upper = min(rowCount, lower + Self.batchRows)
          var texts: [[String]] = []
          do throws(LoadError) {
            texts = try writers.map { (w) throws(LoadError) in try w.texts(lower..<upper) }
          } catch {
            readFailure = error
            throw PGError(kind: .server, message: error.description)
          }
          for row in lower..<upper {
            if numbered {
              buffer.append(Int64(row))
              buffer.bytes.append(UInt8(ascii: "\t"))
            }
            for (i, writer) in writers.enumerated() {
              if i > 0 { buffer.bytes.append(UInt8(ascii: "\t")) }
              writer.write(row: row, batchStart: lower, texts: texts[i], to: &buffer)
            }
            buffer.bytes.append(UInt8(ascii: "\n"))
            if buffer.bytes.count >= Self.sendBytes {
              try flush(&buffer, send)
            }
          }
          lower = upper
          progress?(table.name, lower, rowCount)
        }
        try flush(&buffer, send)
      }
    } catch {
      if let readFailure { throw .data(readFailure) }
      throw .server(error)
    }
  }
}

/// Sends the bytes of `buffer` and empties it (`withUnsafeBytes` does not carry a typed throw).
private func flush(
  _ buffer: inout CopyText, _ send: (UnsafeRawBufferPointer) throws(PGError) -> Void
) throws(PGError) {
  var failure: PGError?
  buffer.bytes.withUnsafeBytes { raw in
    do throws(PGError) { try send(raw) } catch { failure = error }
  }
  buffer.bytes.removeAll(keepingCapacity: true)
  if let failure { throw failure }
}

/// `"name"`: an identifier quoted for PostgreSQL.
private func quoted(_ name: String) -> String {
  "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// One column's values as COPY text.
private enum ColumnWriter {
  /// Dictionary codes, with each value's escaped bytes at `offsets[c]..<offsets[c+1]`.
  case codes(ContiguousArray<Int32>, bytes: [UInt8], offsets: [Int])
  case numbers(ContiguousArray<Int64>)
  case days(ContiguousArray<Int32>)
  case text(TextColumn)

  init(_ column: Column) {
    switch column {
    case .string(let codes, let dictionary):
      var bytes: [UInt8] = []
      var offsets = [0]
      offsets.reserveCapacity(dictionary.count + 1)
      var escaped = CopyText()
      for value in dictionary.values {
        escaped.bytes.removeAll(keepingCapacity: true)
        escaped.appendEscaped(value)
        bytes += escaped.bytes
        offsets.append(bytes.count)
      }
      self = .codes(codes, bytes: bytes, offsets: offsets)
    case .integer(let v), .money(let v), .decimal(let v): self = .numbers(v)
    case .date(let v): self = .days(v)
    case .text(let t): self = .text(t)
    }
  }

  /// The rows of a text column for one batch (empty for the other kinds).
  func texts(_ rows: Range<Int>) throws(LoadError) -> [String] {
    guard case .text(let column) = self else { return [] }
    return try column.strings(rows)
  }

  func write(row: Int, batchStart: Int, texts: [String], to out: inout CopyText) {
    switch self {
    case .codes(let codes, let bytes, let offsets):
      let c = Int(codes[row])
      out.bytes.append(contentsOf: bytes[offsets[c]..<offsets[c + 1]])
    case .numbers(let v): out.append(v[row])
    case .days(let v): out.appendDate(v[row])
    case .text:
      let i = row - batchStart
      if i < texts.count { out.appendEscaped(texts[i]) }
    }
  }
}

/// Bytes of PostgreSQL's COPY text format: fields separated by tabs, rows by newlines, and a
/// backslash, tab, newline or carriage return inside a value escaped (`\\`, `\t`, `\n`, `\r`).
struct CopyText {
  var bytes: [UInt8] = []

  mutating func appendEscaped(_ value: String) {
    var value = value
    value.withUTF8 { utf8 in
      for b in utf8 {
        switch b {
        case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
        case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
        case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
        case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
        default: bytes.append(b)
        }
      }
    }
  }

  /// A whole number in decimal (negative numbers never occur in loaded data, but are written).
  mutating func append(_ value: Int64) {
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    var v = value.magnitude
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
      ) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { d in
      repeat {
        d[count] = UInt8(ascii: "0") + UInt8(v % 10)
        v /= 10
        count += 1
      } while v > 0
      for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[i]) }
    }
  }

  /// `YYYY-MM-DD`.
  mutating func appendDate(_ day: Int32) {
    let (y, m, d) = DayNumber.civil(day)
    appendPadded(y, width: 4)
    bytes.append(UInt8(ascii: "-"))
    appendPadded(m, width: 2)
    bytes.append(UInt8(ascii: "-"))
    appendPadded(d, width: 2)
  }

  private mutating func appendPadded(_ value: Int, width: Int) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    var v = value
    if v >= divisor * 10 {
      append(Int64(v))
      return
    }
    while divisor > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(v / divisor))
      v %= divisor
      divisor /= 10
    }
  }
}
