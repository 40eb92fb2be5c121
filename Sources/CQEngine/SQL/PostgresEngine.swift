import CQLanguage
import CQPostgres
import CQSQL
import CQStorage
import Foundation

/// cq on a PostgreSQL-dialect database (SPEC §8): PostgreSQL itself or Citus.
///
/// At connect cq checks the tables' columns and types, reads each dimension's values (the
/// catalogue the binder checks names and values against, and completion offers), and makes sure
/// its derived tables (allocation shares, `(unattributed)` payouts, first purchase dates, order
/// gaps) are built for the data as it is now. Queries then aggregate on the server; everything
/// after aggregation is the in-memory engine's own code, so answers are byte-identical.
final class PostgresAggregation: RemoteAggregation {
  let connection: PGConnection
  init(connection: PGConnection) { self.connection = connection }

  /// Each text dimension's value → code table, built once a session (the catalogue does not
  /// change while connected): one hash lookup a key cell.
  private var codeTables: [Dimension: [String: Int32]] = [:]

  private func codeTable(_ d: Dimension, _ dictionary: StringDictionary?) -> [String: Int32] {
    if let table = codeTables[d] { return table }
    var table: [String: Int32] = [:]
    if let dictionary {
      table.reserveCapacity(dictionary.count)
      for (i, v) in dictionary.values.enumerated() where table[v] == nil { table[v] = Int32(i) }
    }
    codeTables[d] = table
    return table
  }

  func groups(_ plan: LogicalPlan, grain: [Dimension], scope: GroupScope, engine: Engine)
    throws(DiagnosticsError) -> [Group]
  {
    try read(plan, grain: grain, scope: scope, engine: engine, pushdown: false)
      .groups(decode: scope.isEach)
  }

  func table(_ plan: LogicalPlan, engine: Engine) throws(DiagnosticsError) -> GroupTable {
    try read(plan, grain: plan.dimensions, scope: .each, engine: engine, pushdown: true)
  }

  /// Runs the SQL for `plan`'s facts at `grain` and reads its rows as a group table: keys as
  /// codes in `engine`'s value spaces, measures as columns.
  ///
  /// With `pushdown`, the query's `having`, order and limit run on the database when they can
  /// (``Pushdown``); if a group comes back that cq would not rank in whole numbers, it asks
  /// again for every group.
  func read(
    _ plan: LogicalPlan, grain: [Dimension], scope: GroupScope, engine: Engine, pushdown: Bool
  ) throws(DiagnosticsError) -> GroupTable {
    // Only lift metrics: their groups come from the lift model, not from a fact.
    if plan.facts.isEmpty { return GroupTable([], width: scope.isEach ? grain.count : 0) }
    let (sql, measures, pushed) = engine.sql(
      plan, grain: grain, scope: scope, pushdown: pushdown)
    let result: PGResult
    let cancellation = CancellationToken.current
    do {
      result = try connection.result(
        sql.text, sql.parameters, shouldCancel: { cancellation.isCancelled })
    } catch {
      if error.kind == .cancelled, cancellation.isCancelled {
        return GroupTable([], width: scope.isEach ? grain.count : 0)
      }
      throw Engine.dataError(error.message, source: plan.source)
    }
    let keyed = scope.isEach ? grain : []
    let spaces = keyed.map { engine.store.space($0, tiers: plan.tiers) }
    let dictionaries = keyed.map { d in
      PlanLowering.isText(d) ? codeTable(d, engine.store.valueDictionary(d)) : [:]
    }
    let bases = keyed.map { $0.timeGrain.map { engine.store.timeBase($0) } ?? 0 }
    let n = result.rowCount
    var table = GroupTable(width: keyed.count)
    var codes: [Int32] = []
    codes.reserveCapacity(n * keyed.count)
    var columns = measures.map { _ in [Int64]() }
    for j in columns.indices { columns[j].reserveCapacity(n) }
    let inexact = result.columnCount - 1
    var kept = 0
    for row in 0..<n {
      if pushed, result.withBytes(row, inexact, { $0.first == UInt8(ascii: "t") }) {
        // cq would rank these groups in double precision: ask for every group.
        return try read(plan, grain: grain, scope: scope, engine: engine, pushdown: false)
      }
      var valid = true
      for (i, d) in keyed.enumerated() {
        let space = spaces[i]
        if result.isNull(row, i) {
          codes.append(
            PlanLowering.isText(d)
              ? space.unknown : (d == .tier ? space.unknown : space.unattributed))
          continue
        }
        if let grain = d.timeGrain {
          guard let day = result.int64(row, i), let value = Int32(exactly: day) else {
            valid = false
            break
          }
          let code = TimeCodes.value(value, grain) - bases[i]
          guard code >= 0, code < Int64(space.count) else {
            valid = false
            break
          }
          codes.append(Int32(code))
        } else if d == .tier {
          let tier = result.int64(row, i) ?? -1
          codes.append(tier >= 0 && tier < Int64(space.count) ? Int32(tier) : space.unknown)
        } else {
          let text = result.string(row, i) ?? ""
          if let code = dictionaries[i][text] {
            codes.append(code)
          } else {
            codes.append(text == PlanLowering.unattributedText ? space.unattributed : space.unknown)
          }
        }
      }
      if !valid {
        // A group cq leaves out: the database's ranking counted it, so ask for every group.
        if pushed {
          return try read(plan, grain: grain, scope: scope, engine: engine, pushdown: false)
        }
        codes.removeLast(codes.count - kept * keyed.count)
        continue
      }
      for j in measures.indices {
        let column = keyed.count + j
        if result.isNull(row, column) {
          columns[j].append(0)
          continue
        }
        guard let v = result.int64(row, column) else {
          throw Engine.dataError(
            "PostgreSQL at \(connection.place) returned \(result.string(row, column) ?? "") for \(PlanLowering.measureColumn(measures[j])), beyond what cq adds up exactly (64-bit integers)",
            source: plan.source)
        }
        columns[j].append(v)
      }
      kept += 1
    }
    table.flatCodes = codes
    for (j, m) in measures.enumerated() { table.measures[m] = columns[j] }
    table.count = kept
    return table
  }
}

extension Engine {
  /// A data error (exit 4) about the statement `source` (the database failed while running it).
  static func dataError(_ message: String, source: String) -> DiagnosticsError {
    DiagnosticsError(
      diagnostics: [
        Diagnostic(
          id: "data.engine", phase: .data, message: message,
          range: SourceLocation(
            line: 1, column: 1, offset: 0)..<SourceLocation(line: 1, column: 1, offset: 0))
      ],
      source: source)
  }

  /// Connects to a PostgreSQL-dialect database (`postgres://…`): checks its tables, reads the
  /// catalogue, builds cq's derived tables when the data changed.
  ///
  /// - Throws: `PGError` (connection, login, a missing table or column, a server error), its
  ///   message naming host and database and never a password.
  public static func connect(
    url: String, derivedSchema: String = "cq_derived", progress: (String) -> Void = { _ in }
  ) throws(PGError) -> Engine {
    let connection = try PGConnection(url: url)
    // Ctrl-C while connecting (the caller's token) cancels the statement running on the server
    // and ends the connect.
    let cancelled = PGError(kind: .cancelled, message: "connect cancelled")
    let cancellation = CancellationToken.current
    connection.cancelWhen = { cancellation.isCancelled }
    defer { connection.cancelWhen = nil }
    let catalogue: PostgresCatalogue
    let data: DataSet
    do throws(PGError) {
      if cancellation.isCancelled { throw cancelled }
      catalogue = try PostgresCatalogue(connection: connection, derivedSchema: derivedSchema)
      let (read, print): (PostgresCatalogue.CatalogueRead?, String)
      (data, read, print) = try catalogue.catalogueData(progress: progress)
      if cancellation.isCancelled { throw cancelled }
      try catalogue.ensureDerived(force: false, known: print, progress: progress)
      if let read { try catalogue.storeCatalogue(read) }
      if cancellation.isCancelled { throw cancelled }
      catalogue.recordQuiet()
    } catch {
      throw cancellation.isCancelled ? cancelled : error
    }
    let engine = Engine(data: data, liftFromStoreOrders: catalogue.hasStoreOrders)
    engine.remote = PostgresAggregation(connection: connection)
    engine.postgres = catalogue
    return engine
  }

  /// Whether this engine runs on a database (`--engine postgres://…`).
  public var engineDescription: String? { postgres.map { "PostgreSQL at \($0.connection.place)" } }

  /// `refresh`: rebuilds cq's derived tables on the database (in memory: nothing to do).
  public func refresh(progress: (String) -> Void = { _ in }) throws(PGError) {
    try postgres?.ensureDerived(force: true, progress: progress)
  }

  /// The SQL for `plan`'s facts at `grain` within `scope`, and the measures its columns hold:
  /// what a database is sent, and what `explain sql` prints.
  ///
  /// With `pushdown`, `having`, order and limit run on the database when they can (`pushed`).
  func sql(_ plan: LogicalPlan, grain: [Dimension], scope: GroupScope, pushdown: Bool = false)
    -> (SQLRenderer.Rendered, [Measure], pushed: Bool)
  {
    let lowering = PlanLowering(
      store: store, catalog: catalog, derived: postgres?.derivedSchema ?? "cq_derived",
      tiers: plan.tiers)
    let (query, measures, pushed) = lowering.query(
      plan, grain: grain, scope: scope, pushdown: pushdown)
    return (SQLRenderer.render(query), measures, pushed)
  }

  /// The lines of `source` that hold `range`, each an SQL comment: the statement as written,
  /// not the whole script a statement of `run FILE` comes from (which made the SQL unrunnable).
  static func commented(_ source: String, _ range: SourceRange) -> String {
    let bytes = Array(source.utf8)
    var start = min(max(0, range.lowerBound.offset), bytes.count)
    var end = min(max(start, range.upperBound.offset), bytes.count)
    while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
    while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
    let text = String(decoding: bytes[start..<end], as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { "-- " + $0 }
      .joined(separator: "\n")
  }

  /// `explain sql QUERY`: the SQL cq sends for the query's groups, runnable in psql as printed.
  public func explainSQL(_ query: QueryStmt, source: String) throws(DiagnosticsError) -> String {
    let plan = try bind(try Engine.withAcross(query, source: source), source: source)
    if plan.facts.isEmpty {
      return
        "\(Engine.commented(source, query.range))\n-- no fact is aggregated: lift_revenue and iroas come from the lift model, which reads store_orders by brand and day"
    }
    let (rendered, _, pushed) = sql(plan, grain: plan.dimensions, scope: .each, pushdown: true)
    var lines = [Engine.commented(source, query.range)]
    lines.append(
      "-- each fact aggregated to the grain on its own, the parts stacked and summed per grain key; money in paise"
    )
    if pushed {
      lines.append(
        "-- having and the first rows (with ties) on the database; cq orders what comes back itself and applies limit, (other) and totals"
      )
    } else if plan.having != nil || !plan.order.isEmpty || plan.limit != nil || plan.needsTotals {
      lines.append("-- cq then applies having, order, limit, (other) and totals to these groups")
    }
    if postgres == nil {
      lines.append(
        "-- (this session runs in memory; the SQL is what --engine postgres://… would send)")
    }
    return lines.joined(separator: "\n") + "\n" + rendered.runnable
  }
}

/// The tables of a PostgreSQL database as cq's catalogue.
final class PostgresCatalogue {
  let connection: PGConnection
  let derivedSchema: String
  /// Whether the database has the citus extension.
  private(set) var citus = false
  /// Whether tracking_data and payouts are distributed by influencer_id on Citus.
  ///
  /// As `cq load` leaves them; cq's derived tables are then distributed co-located with them
  /// (every join cq makes between them is on influencer_id, so it runs on the workers).
  /// Otherwise (tables loaded before the extension was created) they stay plain tables on the
  /// coordinator, which Citus joins with distributed ones by moving one side.
  private(set) var distributed = false
  /// Rows of each table (the catalogue's tables hold only values).
  private(set) var rowCounts: [String: Int] = [:]
  /// Column names of each table in the table's own order (as its file had them).
  private(set) var order: [String: [String]] = [:]
  /// Columns of each of cq's tables present: name → type.
  private(set) var columns: [String: [String: String]] = [:]

  init(connection: PGConnection, derivedSchema: String) throws(PGError) {
    self.connection = connection
    self.derivedSchema = derivedSchema
    citus =
      !(try connection.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'").rows.isEmpty)
    if citus { try checkDistribution() }
    let found = try connection.query(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1::text[]) ORDER BY table_name, ordinal_position",
      ["{influencers,posts,tracking_data,payouts,products,store_orders}"])
    for row in found.rows {
      guard let t = row[0], let c = row[1], let type = row[2] else { continue }
      columns[t, default: [:]][c] = type
      order[t, default: []].append(c)
    }
    try check()
  }

  /// Checks that tracking_data and payouts are laid out on Citus as cq's SQL needs.
  ///
  /// They are joined row by row for the derived tables, so either both are hash-distributed by
  /// influencer_id and co-located, as `cq load` leaves them, or neither is distributed. Any
  /// other layout is named, instead of the error Citus gives
  /// for the first join it cannot run ("complex joins are only supported when all distributed
  /// tables are co-located and joined on their distribution columns").
  func checkDistribution() throws(PGError) {
    let rows = try connection.query(
      "SELECT c.relname::text, p.partmethod::text, CASE WHEN p.partmethod = 'h' THEN column_to_column_name(p.logicalrelid, p.partkey) END, p.colocationid::text FROM pg_class c LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid WHERE c.oid IN (to_regclass('tracking_data'), to_regclass('payouts')) ORDER BY 1 DESC"
    ).rows
    func layout(_ row: [String?]) -> String {
      switch row[1] {
      case "h": "distributed by \(row[2] ?? "?")"
      case "n": "a reference table"
      case nil: "a table on the coordinator"
      default: "distributed by \(row[2] ?? "range or append")"
      }
    }
    let hashed = rows.filter { $0[1] == "h" }
    if hashed.isEmpty { return }
    if hashed.count == rows.count, hashed.allSatisfy({ $0[2] == "influencer_id" }),
      Set(hashed.map { $0[3] }).count == 1
    {
      distributed = true
      return
    }
    let described = rows.map { "\($0[0] ?? "") is \(layout($0))" }
    let colocated =
      hashed.count == rows.count && hashed.allSatisfy({ $0[2] == "influencer_id" })
      ? " but not co-located" : ""
    throw PGError(
      kind: .server,
      message:
        "on Citus cq needs tracking_data and payouts distributed by influencer_id and co-located, as 'cq load DIR --into \(connection.redactedURL)' leaves them (or neither distributed); at \(connection.place) \(described.joined(separator: " and "))\(colocated)"
    )
  }

  /// SPEC §1's columns with the types cq reads (money as integer paise).
  static let required:
    [(table: String, columns: [(String, String)], optional: [(String, String)])] = [
      (
        "influencers",
        [
          ("id", "text"), ("name", "text"), ("category", "text"), ("gender", "text"),
          ("follower_count", "integer"), ("platform", "text"),
        ], []
      ),
      (
        "posts",
        [
          ("cq_row", "integer"), ("influencer_id", "text"), ("platform", "text"), ("date", "date"),
          ("url", "text"), ("caption", "text"), ("reach", "integer"), ("likes", "integer"),
          ("comments", "integer"),
        ], [("campaign", "text")]
      ),
      (
        "tracking_data",
        [
          ("cq_row", "integer"), ("source", "text"), ("campaign", "text"),
          ("influencer_id", "text"), ("user_id", "text"), ("product", "text"), ("date", "date"),
          ("orders", "integer"), ("revenue", "integer"), ("brand", "text"),
        ], []
      ),
      (
        "payouts",
        [
          ("cq_row", "integer"), ("influencer_id", "text"), ("basis", "text"), ("rate", "integer"),
          ("orders", "integer"), ("total_payout", "integer"),
        ], [("campaign", "text"), ("posts", "integer"), ("status", "text")]
      ),
      (
        "store_orders",
        [
          ("date", "date"), ("user_id", "text"), ("product", "text"), ("brand", "text"),
          ("orders", "integer"), ("revenue", "integer"), ("source", "text"),
        ], [("cq_row", "integer")]
      ),
    ]

  /// Columns of free text (posts' `url` and `caption`): no dimension, value check or completion
  /// reads their values, so the catalogue keeps one of them, not a list as long as the table.
  static let freeText: Set<String> = ["url", "caption"]

  /// Tables cq reads when they are there.
  static let optionalTables: Set<String> = ["store_orders"]

  /// Whether the database has store_orders (the lift model's baseline).
  var hasStoreOrders: Bool { columns["store_orders"] != nil }

  static func kind(of type: String) -> String {
    switch type {
    case "bigint", "integer", "smallint": "integer"
    case "date": "date"
    case "text", "character varying", "character", "name": "text"
    default: type
    }
  }

  /// Says exactly what is missing or mistyped.
  func check() throws(PGError) {
    var problems: [String] = []
    for (table, needed, optional) in PostgresCatalogue.required {
      guard let have = columns[table] else {
        if !PostgresCatalogue.optionalTables.contains(table) {
          problems.append("table \(table) is missing")
        }
        continue
      }
      for (c, kind) in needed + optional {
        guard let type = have[c] else {
          if !optional.contains(where: { $0.0 == c }) {
            problems.append(
              c == "cq_row"
                ? "\(table).cq_row is missing (the row's place in file order: ALTER TABLE \(table) ADD COLUMN cq_row bigserial)"
                : "\(table).\(c) is missing")
          }
          continue
        }
        if PostgresCatalogue.kind(of: type) != kind {
          let want =
            kind == "integer"
            ? (["revenue", "total_payout"].contains(c) ? "bigint (integer paise)" : "bigint") : kind
          problems.append("\(table).\(c) is \(type), cq reads \(want)")
        }
      }
    }
    if !problems.isEmpty {
      throw PGError(
        kind: .server,
        message:
          "the database at \(connection.place) does not have cq's tables as cq needs them: \(problems.joined(separator: "; ")); load a data folder with 'cq load DIR --into \(connection.redactedURL)'"
      )
    }
  }

  func has(_ table: String, _ column: String) -> Bool { columns[table]?[column] != nil }

  /// The catalogue as a data set, for the binder, the labels and completion.
  ///
  /// It holds the dimension tables whole and, for each fact table, every distinct value of
  /// each dimension column (and its first and last date). Its fact rows are not the data;
  /// aggregation runs on the server.
  func catalogueFiles(progress: (String) -> Void) throws(PGError) -> [String: String] {
    var files: [String: String] = [:]
    func write(_ name: String, header: [String], rows: [[String]]) {
      var text = header.joined(separator: ",") + "\n"
      for row in rows {
        text +=
          row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(
            separator: ",") + "\n"
      }
      files[name + ".csv"] = text
    }
    // Dimension tables, whole.
    let influencerColumns = (order["influencers"] ?? []).filter { c in
      PostgresCatalogue.required[0].columns.contains { $0.0 == c }
    }
    let influencers = try connection.query(
      "SELECT \(influencerColumns.map { SQLRenderer.identifier($0) + "::text" }.joined(separator: ", ")) FROM influencers ORDER BY \(has("influencers", "cq_row") ? "cq_row" : "id")"
    )
    write(
      "influencers", header: influencerColumns, rows: influencers.rows.map { $0.map { $0 ?? "" } })
    if columns["products"]?["product"] != nil, columns["products"]?["brand"] != nil {
      let products = try connection.query("SELECT product, brand FROM products")
      write(
        "products", header: ["product", "brand"], rows: products.rows.map { $0.map { $0 ?? "" } })
    }
    // Fact tables: distinct values per column, first and last date.
    for (table, needed, optional) in PostgresCatalogue.required where table != "influencers" {
      let known = needed + optional
      let present = (order[table] ?? []).compactMap { c in
        known.first { $0.0 == c && c != "cq_row" }
      }
      var lists: [[String]] = []
      var empty = false
      for (c, kind) in present {
        switch kind {
        case "text":
          // In order of first appearance, as the loader meets them in the file.
          let column = "coalesce(\(SQLRenderer.identifier(c)), '')"
          let sql =
            PostgresCatalogue.freeText.contains(c)
            // Free text (no dimension reads it): one value stands for all.
            ? "SELECT \(column) FROM \(SQLRenderer.identifier(table))\(has(table, "cq_row") ? " ORDER BY cq_row" : "") LIMIT 1"
            : has(table, "cq_row")
              ? "SELECT \(column) FROM \(SQLRenderer.identifier(table)) GROUP BY 1 ORDER BY min(cq_row)"
              : "SELECT DISTINCT \(column) FROM \(SQLRenderer.identifier(table)) ORDER BY 1"
          lists.append(try connection.query(sql).rows.map { $0[0] ?? "" })
        case "date":
          let r = try connection.query(
            "SELECT min(date)::text, max(date)::text FROM \(SQLRenderer.identifier(table))")
          let values = r.rows.first.map { [$0[0], $0[1]].compactMap { $0 } } ?? []
          if values.isEmpty { empty = true }
          lists.append(values)
        default:
          lists.append(["0"])
        }
      }
      guard columns[table] != nil else { continue }
      // A table with no rows has no text values either (payouts.csv with a header only).
      let count = empty || lists.contains(where: \.isEmpty) ? 0 : lists.map(\.count).max() ?? 0
      var rows = (0..<count).map { i in lists.map { $0.isEmpty ? "" : $0[i % $0.count] } }
      if hasStoreOrders, count > 0, ["posts", "tracking_data", "store_orders"].contains(table) {
        // The lift model's rows first; the value rows after them carry the first lift row's
        // influencer, campaign, brand and date, so they add no post, brand or day it counts.
        let lift = try liftRows(table, present: present.map(\.0), filler: rows[0])
        if table == "posts" || lift.isEmpty {
          rows = table == "posts" ? lift : rows
        } else {
          let kept = ["influencer_id", "campaign", "brand", "date"]
          let first = lift[0]
          rows =
            lift
            + rows.map { row in
              zip(present, row).enumerated().map { i, pair in
                kept.contains(pair.0.0) ? first[i] : pair.1
              }
            }
        }
      }
      write(table, header: present.map(\.0), rows: rows)
      progress("read the values of \(table)")
    }
    files[PostgresCatalogue.notesFile] = try unknownInfluencerNotes().joined(separator: "\n")
    return files
  }

  /// The catalogue's files as a data set: CSV texts by file name, and the loader's notes.
  func dataSet(_ files: [String: String]) throws(PGError) -> DataSet {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cq-catalogue-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, text) in files where name.hasSuffix(".csv") {
      try? text.write(
        to: folder.appendingPathComponent(name), atomically: false, encoding: .utf8)
    }
    do {
      var data = try DataLoader.load(folder: folder.path, cache: .ignore)
      data.folder = connection.redactedURL
      let notes = files[PostgresCatalogue.notesFile] ?? ""
      data.warnings = notes.isEmpty ? [] : notes.components(separatedBy: "\n")
      return data
    } catch {
      throw PGError(
        kind: .server,
        message: "the tables at \(connection.place) hold values cq cannot read: \(error)")
    }
  }

  /// The file of the catalogue cache that holds the loader's notes (one a line).
  static let notesFile = "notes"

  /// The catalogue as read, to be kept in cq's schema for the next connect.
  struct CatalogueRead {
    var fingerprint: String
    var files: [String: String]
  }

  /// The catalogue: from cq's copy in its schema when that copy was read from the data as it
  /// is now, else from the tables (then also returned, for ``storeCatalogue(_:)``).
  ///
  /// The fingerprint and whatever is read run in one read-only snapshot (`REPEATABLE READ`),
  /// so a copy is always labelled with the fingerprint of the very data it was read from.
  func catalogueData(progress: (String) -> Void) throws(PGError) -> (
    DataSet, CatalogueRead?, derivedFingerprint: String
  ) {
    try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    do throws(PGError) {
      // The snapshot every read below sees (its first statement takes it).
      // (pg_current_snapshot is PostgreSQL 13's; an error would end the transaction.)
      let snapshot =
        connection.serverVersion >= 130000
        ? try connection.query("SELECT pg_current_snapshot()::text").rows.first?[0] : nil
      let print: (derived: String, catalogue: String)
      if let snapshot, let quiet = try quietFingerprint(snapshot: snapshot) {
        print = quiet
      } else {
        print = try fingerprint()
        scanned = snapshot.map { (snapshot: $0, print: print) }
      }
      var cached: [String: String] = [:]
      let table = SQLRenderer.identifier(derivedSchema) + ".catalogue"
      if try connection.query("SELECT to_regclass($1)::text", [table]).rows.first?[0] != nil {
        let rows = try connection.result(
          "SELECT name, content FROM \(table) WHERE fingerprint = $1",
          [print.catalogue])
        for i in 0..<rows.rowCount {
          if let name = rows.string(i, 0), let content = rows.string(i, 1) {
            cached[name] = content
          }
        }
      }
      let complete =
        cached[PostgresCatalogue.notesFile] != nil
        && cached["influencers.csv"] != nil
      if complete {
        try connection.execute("COMMIT")
        progress("read the catalogue cq keeps in \(derivedSchema)")
        return (try dataSet(cached), nil, print.derived)
      }
      let files = try catalogueFiles(progress: progress)
      try connection.execute("COMMIT")
      return (
        try dataSet(files), CatalogueRead(fingerprint: print.catalogue, files: files),
        print.derived
      )
    } catch {
      _ = try? connection.query("ROLLBACK")
      throw error
    }
  }

  /// The fingerprint taken by a scan in this connect, and the snapshot it was taken in.
  private var scanned: (snapshot: String, print: (derived: String, catalogue: String))?

  /// Whether a change to cq's tables always completes a transaction of this server: every
  /// table cq reads is a plain table here (rows of partitions, foreign tables or Citus shards
  /// are written by other servers' transactions).
  func xidsTellChanges() throws(PGError) -> Bool {
    if citus { return false }
    let tables = PostgresCatalogue.tables.filter { columns[$0] != nil }
    return try localTables(tables).count == tables.count
  }

  /// The fingerprint as a scan in an earlier connect took it, when no transaction that could
  /// have changed anything has completed since (nil: scan again).
  ///
  /// After a scan in snapshot S, cq commits one transaction of its own, W, that writes only
  /// this record, and only if W took the very next xid after S (no other transaction took one
  /// in between). The record holds the snapshot a connect sees if nothing else happens: S's
  /// running xids, `xmax` W + 1. A snapshot equal to it means no transaction but W has
  /// completed since S (any other xid is still running, so invisible, or would have moved
  /// `xmax` or the running list when it ended), so the data is S's and so is its
  /// fingerprint. Anything else (a write anywhere on the server, even to another database)
  /// means a scan.
  private func quietFingerprint(snapshot: String) throws(PGError) -> (
    derived: String, catalogue: String
  )? {
    let table = SQLRenderer.identifier(derivedSchema) + ".quiet"
    guard try connection.query("SELECT to_regclass($1)::text", [table]).rows.first?[0] != nil,
      try xidsTellChanges(),
      let row = try connection.query(
        "SELECT derived, catalogue, counts FROM \(table) WHERE expected = $1", [snapshot]
      ).rows.first,
      let derived = row[0], let catalogue = row[1],
      // Written by this version of cq (a record of another builds other tables).
      derived.hasPrefix(PostgresCatalogue.derivedVersion + " "),
      catalogue.hasPrefix(PostgresCatalogue.catalogueVersion + " ")
    else { return nil }
    for pair in (row[2] ?? "").split(separator: " ") {
      let parts = pair.split(separator: "=")
      if parts.count == 2, let n = Int(parts[1]) { rowCounts[String(parts[0])] = n }
    }
    return (derived, catalogue)
  }

  /// After a connect that scanned: records its fingerprint for the next connects
  /// (``quietFingerprint(snapshot:)``) when no transaction has taken an xid since the scan.
  func recordQuiet() {
    guard let scanned, (try? xidsTellChanges()) == true else { return }
    self.scanned = nil
    let parts = scanned.snapshot.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 3, let xmax = UInt64(parts[1]) else { return }
    let running = parts[2].split(separator: ",").compactMap { UInt64($0) }
    let table = SQLRenderer.identifier(derivedSchema) + ".quiet"
    guard (try? connection.query("SELECT to_regclass($1)::text", [table]).rows.first?[0]) != nil
    else { return }
    do throws(PGError) {
      try connection.execute("BEGIN")
      let own = UInt64(
        try connection.query("SELECT pg_current_xact_id()::text").rows.first?[0] ?? "")
      guard own == xmax else {
        try connection.execute("ROLLBACK")
        return
      }
      let next = xmax + 1
      let expected =
        "\(running.min() ?? next):\(next):\(running.map(String.init).joined(separator: ","))"
      let counts = rowCounts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        .joined(separator: " ")
      try connection.execute("DELETE FROM \(table)")
      try connection.query(
        "INSERT INTO \(table) (expected, derived, catalogue, counts) VALUES ($1, $2, $3, $4)",
        [expected, scanned.print.derived, scanned.print.catalogue, counts])
      try connection.execute("COMMIT")
    } catch {
      _ = try? connection.query("ROLLBACK")
    }
  }

  /// Keeps the catalogue read from the tables in cq's schema, for the next connect.
  func storeCatalogue(_ read: CatalogueRead) throws(PGError) {
    let schema = SQLRenderer.identifier(derivedSchema)
    try connection.query("SELECT pg_advisory_lock(hashtext($1))", [derivedSchema])
    defer { _ = try? connection.query("SELECT pg_advisory_unlock(hashtext($1))", [derivedSchema]) }
    try connection.execute("BEGIN")
    do throws(PGError) {
      try connection.execute("DELETE FROM \(schema).catalogue")
      for (name, content) in read.files.sorted(by: { $0.key < $1.key }) {
        try connection.query(
          "INSERT INTO \(schema).catalogue (fingerprint, name, content) VALUES ($1, $2, $3)",
          [read.fingerprint, name, content])
      }
      try connection.execute("COMMIT")
    } catch {
      _ = try? connection.query("ROLLBACK")
      throw error
    }
  }

  /// Rows the lift model reads (`lift_revenue`, `iroas`), placed before the value rows.
  ///
  /// Each post's influencer, platform, date and campaign; tracked revenue per influencer,
  /// campaign and brand (each campaign's and influencer's top brand); store revenue per brand
  /// and day. Other columns repeat the first value row, so no value is added and no sum the
  /// engine reads changes.
  func liftRows(_ table: String, present: [String], filler: [String]) throws(PGError) -> [[String]]
  {
    func rupees(_ paise: String?) -> String {
      guard let p = Int64(paise ?? "") else { return "0" }
      let cents = p % 100
      return "\(p / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
    func rows(_ sql: String, _ columnsRead: [String], money: Set<String> = []) throws(PGError)
      -> [[String]]
    {
      try connection.query(sql).rows.map { values in
        present.enumerated().map { i, c in
          guard let k = columnsRead.firstIndex(of: c) else { return filler[i] }
          return money.contains(c) ? rupees(values[k]) : (values[k] ?? "")
        }
      }
    }
    let order = { (t: String) in self.has(t, "cq_row") ? " ORDER BY min(cq_row)" : "" }
    switch table {
    case "posts":
      let campaign = has("posts", "campaign") ? ", coalesce(campaign, '')" : ""
      return try rows(
        "SELECT influencer_id, platform, date::text\(campaign) FROM posts\(has("posts", "cq_row") ? " ORDER BY cq_row" : "")",
        ["influencer_id", "platform", "date"] + (campaign.isEmpty ? [] : ["campaign"]))
    case "tracking_data":
      return try rows(
        "SELECT influencer_id, campaign, brand, sum(revenue)::text FROM tracking_data GROUP BY 1, 2, 3\(order("tracking_data"))",
        ["influencer_id", "campaign", "brand", "revenue"], money: ["revenue"])
    case "store_orders":
      return try rows(
        "SELECT date::text, brand, sum(revenue)::text FROM store_orders GROUP BY 1, 2\(order("store_orders"))",
        ["date", "brand", "revenue"], money: ["revenue"])
    default:
      return []
    }
  }

  /// The loader's notes on fact rows whose influencer is not in influencers (SPEC §1: kept,
  /// warned once with a count), counted on the server: the same words as for the files.
  func unknownInfluencerNotes() throws(PGError) -> [String] {
    var notes: [String] = []
    for table in ["posts", "tracking_data", "payouts"] where columns[table] != nil {
      let missing = "NOT EXISTS (SELECT 1 FROM influencers i WHERE i.id = t.influencer_id)"
      let rows =
        Int(
          try connection.query("SELECT count(*)::text FROM \(table) t WHERE \(missing)").rows
            .first?[0] ?? "") ?? 0
      guard rows > 0 else { continue }
      let first = has(table, "cq_row") ? "min(cq_row)" : "min(influencer_id)"
      let ids = try connection.query(
        "SELECT influencer_id FROM \(table) t WHERE \(missing) GROUP BY influencer_id ORDER BY \(first) LIMIT 3"
      ).rows.map { $0[0] ?? "" }.joined(separator: ", ")
      let file = table + ".csv"
      notes.append(
        rows == 1
          ? "\(file): 1 row references an influencer id not in influencers.csv (\(ids)); kept, labelled as unknown"
          : "\(file): \(rows) rows reference influencer ids not in influencers.csv (e.g. \(ids)); kept, labelled as unknown"
      )
    }
    return notes
  }

  // MARK: - Derived tables

  /// What the derived tables' and the catalogue's layout are: a fingerprint starts with it, so
  /// another version of cq never takes the other's tables for current.
  static let derivedVersion = "cq-derived-4"
  static let catalogueVersion = "cq-catalogue-2"

  /// cq's tables, in the order their fingerprints are listed.
  static let tables = [
    "influencers", "posts", "tracking_data", "payouts", "products", "store_orders",
  ]

  /// Which of `tables` are plain tables of this server (not partitioned, foreign or Citus's).
  func localTables(_ tables: [String]) throws(PGError) -> Set<String> {
    Set(
      try connection.query(
        "SELECT c.relname::text FROM pg_class c WHERE c.oid = ANY(ARRAY[\(tables.map { "to_regclass('\($0)')" }.joined(separator: ", "))]) AND c.relkind = 'r'\(citus ? " AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)" : "")"
      ).rows.compactMap { $0[0] })
  }

  /// Fingerprints of the data: of what the derived tables are built from (tracking_data and
  /// payouts) and of every table (the catalogue), each with the columns and their types.
  ///
  /// A table is summarised by its row count and the sum and a hash sum of its rows' `xmin` (the
  /// transaction that wrote each row version). Every committed insert or update writes row
  /// versions with a transaction id no row of the table had, and every delete removes one, so
  /// any change changes the count or the multiset of `xmin`s, which the hash sum tells apart (up
  /// to a 64-bit collision, as the hash of every row's values before); reading `xmin` is a few
  /// times cheaper than hashing every value. Tables whose rows live elsewhere (partitioned, foreign, distributed by Citus)
  /// have no meaningful `xmin` here and are summarised by a hash of every row's values instead.
  func fingerprint() throws(PGError) -> (derived: String, catalogue: String) {
    let tables = PostgresCatalogue.tables.filter { columns[$0] != nil }
    let local = try localTables(tables)
    let selects = tables.map { table in
      let name = SQLRenderer.identifier(table)
      if local.contains(table) {
        return
          "SELECT '\(table)', count(*)::text, coalesce(sum(t.xmin::text::bigint), 0)::text || ':' || coalesce(sum(hashint8extended(t.xmin::text::bigint, 0)), 0)::text FROM \(name) t"
      }
      let row = (order[table] ?? []).map { "coalesce(t.\(SQLRenderer.identifier($0))::text, '')" }
        .joined(separator: ", ")
      return
        "SELECT '\(table)', count(*)::text, 'rows:' || coalesce(sum(hashtextextended(concat_ws('|', \(row)), 0)), 0)::text FROM \(name) t"
    }
    var parts: [String: String] = [:]
    for row in try connection.query(selects.joined(separator: " UNION ALL ")).rows {
      guard let table = row[0] else { continue }
      rowCounts[table] = Int(row[1] ?? "") ?? 0
      let layout = (order[table] ?? []).map { "\($0) \(columns[table]?[$0] ?? "")" }
        .joined(separator: ",")
      parts[table] = "\(table)(\(layout))=\(row[1] ?? ""):\(row[2] ?? "")"
    }
    let derived =
      [PostgresCatalogue.derivedVersion] + ["tracking_data", "payouts"].compactMap { parts[$0] }
    let catalogue = [PostgresCatalogue.catalogueVersion] + tables.compactMap { parts[$0] }
    return (derived.joined(separator: " "), catalogue.joined(separator: " "))
  }

  /// Builds the derived tables unless they were built for the data as it is (`force`: always).
  ///
  /// `known`: the derived tables' fingerprint as just taken (else it is taken now).
  func ensureDerived(force: Bool, known: String? = nil, progress: (String) -> Void)
    throws(PGError)
  {
    let print: String
    if let known { print = known } else { print = try fingerprint().derived }
    let schema = SQLRenderer.identifier(derivedSchema)
    func current() -> Bool {
      (try? connection.query("SELECT fingerprint FROM \(schema).version"))?.rows.first?[0] == print
    }
    if !force, current() { return }
    // One builder at a time, under a session lock taken before the transaction begins (not a
    // transaction lock inside it), so the transaction sees what an earlier builder committed.
    // On Citus a transaction begun before that commit dropped cq_derived on the coordinator
    // only (Citus chose from the backend's stale catalogue cache not to send DROP SCHEMA to
    // the workers), and CREATE SCHEMA then failed there: schema "cq_derived" already exists.
    try connection.query("SELECT pg_advisory_lock(hashtext($1))", [derivedSchema])
    defer { _ = try? connection.query("SELECT pg_advisory_unlock(hashtext($1))", [derivedSchema]) }
    // Another process may have built them while this one waited.
    if !force, current() { return }
    progress(
      "building cq's derived tables (allocation shares, first purchases) in \(derivedSchema)")
    // One snapshot for the whole build, its fingerprint taken in it: the tables are labelled
    // with the very data they were built from, whatever changes meanwhile.
    try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    do throws(PGError) {
      // Citus: DDL and data in one transaction go shard by shard over one connection per node
      // (the fingerprint's reads too: a parallel read first would forbid the DDL after it).
      if citus { try connection.execute("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'") }
      let built = try fingerprint().derived
      try connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE", "CREATE SCHEMA \(schema)")
      let byCampaign = has("payouts", "campaign") && has("tracking_data", "campaign")
      let campaignJoin = byCampaign ? " AND t.campaign = p.campaign" : ""
      for weight in AllocationWeight.allCases {
        try connection.execute(
          "CREATE TABLE \(schema).share_\(weight.rawValue) (influencer_id text NOT NULL, payout_row bigint NOT NULL, tracking_row bigint NOT NULL, share bigint NOT NULL)"
        )
      }
      try connection.execute(
        "CREATE TABLE \(schema).unattributed (influencer_id text NOT NULL, payout_row bigint NOT NULL)",
        "CREATE TABLE \(schema).first_purchase (user_id text PRIMARY KEY, first_date date NOT NULL)",
        "CREATE TABLE \(schema).order_gap (influencer_id text NOT NULL, payout_row bigint NOT NULL, gap bigint NOT NULL)",
        "CREATE TABLE \(schema).version (fingerprint text NOT NULL)",
        "CREATE TABLE \(schema).catalogue (fingerprint text NOT NULL, name text NOT NULL, content text NOT NULL)",
        "CREATE TABLE \(schema).quiet (expected text NOT NULL, derived text NOT NULL, catalogue text NOT NULL, counts text NOT NULL)"
      )
      if distributed {
        for t in AllocationWeight.allCases.map({ "share_\($0.rawValue)" }) + [
          "unattributed", "order_gap",
        ] {
          try connection.query(
            "SELECT create_distributed_table($1, 'influencer_id', colocate_with => 'tracking_data')",
            ["\(derivedSchema).\(t)"])
        }
        try connection.query(
          "SELECT create_reference_table($1)", ["\(derivedSchema).first_purchase"])
      }
      for weight in AllocationWeight.allCases {
        let w = weight == .orders ? "orders" : "revenue"
        // Largest remainder within each payout, ties to the earlier tracking row (SPEC §4).
        try connection.execute(
          """
          INSERT INTO \(schema).share_\(weight.rawValue)
          SELECT influencer_id, payout_row, tracking_row, (base + CASE WHEN rk <= left_over THEN 1 ELSE 0 END)::bigint
          FROM (
            SELECT shares.*, total - sum(base) OVER (PARTITION BY influencer_id, payout_row) AS left_over,
                   row_number() OVER (PARTITION BY influencer_id, payout_row ORDER BY remainder DESC, tracking_row) AS rk
            FROM (
              SELECT k.*, div(total::numeric * (CASE WHEN kw > 0 THEN w ELSE 1 END), CASE WHEN kw > 0 THEN kw ELSE n END) AS base,
                     mod(total::numeric * (CASE WHEN kw > 0 THEN w ELSE 1 END), CASE WHEN kw > 0 THEN kw ELSE n END) AS remainder
              FROM (
                SELECT p.influencer_id, p.cq_row AS payout_row, p.total_payout AS total, t.cq_row AS tracking_row, t.\(w) AS w,
                       sum(t.\(w)) OVER (PARTITION BY p.influencer_id, p.cq_row) AS kw,
                       count(*) OVER (PARTITION BY p.influencer_id, p.cq_row) AS n
                FROM payouts p JOIN tracking_data t ON t.influencer_id = p.influencer_id\(campaignJoin)
              ) k
            ) shares
          ) ranked
          """)
      }
      try connection.execute(
        """
        INSERT INTO \(schema).unattributed
        SELECT p.influencer_id, p.cq_row FROM payouts p
        WHERE NOT EXISTS (SELECT 1 FROM tracking_data t WHERE t.influencer_id = p.influencer_id\(campaignJoin))
        """,
        "INSERT INTO \(schema).first_purchase SELECT user_id, min(date) FROM tracking_data GROUP BY user_id",
        """
        INSERT INTO \(schema).order_gap
        SELECT o.influencer_id, o.cq_row, o.orders - CASE WHEN o.rn = 1 THEN coalesce(t.o, 0) ELSE 0 END
        FROM (
          SELECT p.influencer_id, p.cq_row, p.orders\(byCampaign ? ", p.campaign" : ""),
                 row_number() OVER (PARTITION BY p.influencer_id\(byCampaign ? ", p.campaign" : "") ORDER BY p.cq_row) AS rn
          FROM payouts p WHERE p.basis = 'order'
        ) o
        LEFT JOIN (
          SELECT influencer_id\(byCampaign ? ", campaign" : ""), sum(orders) AS o FROM tracking_data
          GROUP BY influencer_id\(byCampaign ? ", campaign" : "")
        ) t ON t.influencer_id = o.influencer_id\(byCampaign ? " AND t.campaign = o.campaign" : "")
        """)
      try connection.query("INSERT INTO \(schema).version VALUES ($1)", [built])
      try connection.execute("COMMIT")
    } catch {
      _ = try? connection.query("ROLLBACK")
      throw error
    }
  }
}

extension Engine {
  /// A table's rows: on a database its real count (the catalogue holds only its values).
  func rowCount(of table: Table) -> Int {
    postgres?.rowCounts[table.name] ?? table.rowCount
  }

  /// Payouts no tracking row carries (`(unattributed)`): how many and how much, all of them
  /// when `filtered` (a filter on what payouts lack drops them), else those the filter keeps.
  func unattributedPayouts(_ plan: LogicalPlan, filtered: Bool, weight: AllocationWeight)
    throws(DiagnosticsError) -> (Int, Int64)
  {
    guard let postgres else {
      let alloc = store.allocation(weight)
      let rows =
        filtered
        ? alloc.unattributedRows
        : unattributedRows(alloc.unattributedRows, passing: plan.filter, tiers: plan.tiers)
      let totalsColumn = store.data.payouts.integers("total_payout")
      return (rows.count, rows.reduce(Int64(0)) { $0 + totalsColumn[Int($1)] })
    }
    let lowering = PlanLowering(
      store: store, catalog: catalog, derived: postgres.derivedSchema, tiers: plan.tiers)
    let dims = plan.filter?.dimensions ?? []
    let part = lowering.unattributedPart(dimensions: dims)
    let condition = filtered ? nil : plan.filter.map { lowering.condition($0, in: part) }
    let select = SQLSelect(
      columns: [
        (.cast(.call("count", [.star]), "text"), "payouts"),
        (
          .cast(
            .call("coalesce", [.call("sum", [.column("p", "total_payout")]), .integer(0)]), "text"),
          "amount"
        ),
      ],
      sources: part.sources, filter: condition)
    let sql = SQLRenderer.render(SQLQuery(body: select))
    do {
      let row = try postgres.connection.query(sql.text, sql.parameters).rows.first
      return (Int(row?[0] ?? "") ?? 0, Int64(row?[1] ?? "") ?? 0)
    } catch {
      throw Engine.dataError(error.message, source: plan.source)
    }
  }
}

extension Engine {
  /// `sample TABLE [N] [where …]` on a database: the first rows in file order (`cq_row`).
  func sampleOnDatabase(
    _ t: Table, name: NameRef, count: Int, where condition: ConditionExpr?, source: String
  )
    throws(DiagnosticsError) -> ResultSet
  {
    guard let postgres else { return ResultSet(columns: [], rows: []) }
    var filter: SQLExpr? = nil
    var sources = [SQLSource(table: t.name, alias: t.name == "influencers" ? "i" : "f")]
    let alias = t.name == "influencers" ? "i" : "f"
    if let condition {
      let (_, bound) = try sampleCondition(of: t, name: name, condition: condition, source: source)
      let lowering = PlanLowering(
        store: store, catalog: catalog, derived: postgres.derivedSchema, tiers: settings.tiers)
      if alias == "f", lowering.needsInfluencer(bound.dimensions, measures: []) {
        sources.append(lowering.influencerJoin("f"))
      }
      let part = PlanLowering.Part(
        name: "", comment: "", sources: sources, carrier: { _ in alias },
        measures: [])
      filter = lowering.condition(bound, in: part)
    }
    let columns = t.columnNames.filter { t.columns[$0] != nil }
    var select = SQLSelect(
      columns: columns.map { (.cast(.column(alias, $0), "text"), $0) }, sources: sources,
      filter: filter)
    let ordered = postgres.has(t.name, "cq_row") ? "cq_row" : (t.name == "influencers" ? "id" : nil)
    let counted = SQLRenderer.render(
      SQLQuery(
        body: SQLSelect(
          columns: [(.cast(.call("count", [.star]), "text"), "rows")], sources: sources,
          filter: filter)))
    select.comment = nil
    var rendered = SQLRenderer.render(SQLQuery(body: select))
    rendered.text +=
      (ordered.map { "\nORDER BY \(alias).\($0)" } ?? "") + "\nLIMIT \(max(0, count))"
    let rows: [[String?]]
    let matching: Int
    let cancellation = CancellationToken.current
    do {
      rows = try postgres.connection.query(
        rendered.text, rendered.parameters, shouldCancel: { cancellation.isCancelled }
      ).rows
      matching =
        Int(try postgres.connection.query(counted.text, counted.parameters).rows.first?[0] ?? "")
        ?? rows.count
    } catch {
      throw Engine.dataError(error.message, source: source)
    }
    var resultColumns: [ResultColumn] = []
    var cells: [[Value]] = Array(repeating: [], count: rows.count)
    for (j, c) in columns.enumerated() {
      let format: ValueFormat
      guard let column = t.columns[c] else { continue }
      switch column {
      case .string, .text:
        format = .text
        for i in rows.indices { cells[i].append(.text(rows[i][j] ?? "")) }
      case .integer:
        format = .integer
        for i in rows.indices {
          cells[i].append(Int64(rows[i][j] ?? "").map { .integer($0) } ?? .empty)
        }
      case .money, .decimal:
        format = column.kind == .money ? .money : .decimal
        for i in rows.indices {
          cells[i].append(Int64(rows[i][j] ?? "").map { .paise($0) } ?? .empty)
        }
      case .date:
        format = .date
        for i in rows.indices { cells[i].append(.text(rows[i][j] ?? "")) }
      }
      resultColumns.append(ResultColumn(name: c, role: .plain, format: format))
    }
    return ResultSet(columns: resultColumns, rows: cells, totalGroups: matching)
  }
}
