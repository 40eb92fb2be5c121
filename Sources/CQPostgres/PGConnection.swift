import CLibPQ
import Foundation

/// What went wrong talking to PostgreSQL, in the words cq shows (never with a password).
public struct PGError: Error, Sendable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// The server could not be reached (refused, unknown host, timeout while connecting).
    case connection
    /// The server refused the credentials.
    case authentication
    /// A statement failed on the server (missing table or column, bad SQL, out of range).
    case server
    /// The statement was cancelled (Ctrl-C) or ran past `statement_timeout`.
    case cancelled
  }
  public var kind: Kind
  /// One line: what failed and where (host and database), and what to do.
  public var message: String
  /// PostgreSQL's SQLSTATE for server errors (`42P01`: undefined table).
  public var sqlState: String?

  public init(kind: Kind, message: String, sqlState: String? = nil) {
    self.kind = kind
    self.message = message
    self.sqlState = sqlState
  }

  public var description: String { message }
}

/// The rows of a result, as PostgreSQL's text format gives them (nil for NULL).
public struct PGRows: Sendable {
  public var columns: [String]
  public var rows: [[String?]]
  /// Rows a command touched (`INSERT`, `COPY`), when it says.
  public var affected: Int?
}

/// A connection to PostgreSQL through libpq.
///
/// The URL follows libpq's conventions (`postgres://USER@HOST:PORT/DB?sslmode=…&options=…`), and
/// so do `PGPASSWORD`, `~/.pgpass` and `PGSERVICE`: libpq reads them itself. Statements are sent
/// with their values as parameters (never spliced into the text). Not shared between threads;
/// ``canceller`` is the one part another thread (or a signal) may use.
public final class PGConnection {
  private let conn: OpaquePointer
  /// Where the connection goes, without a password: `analyst@db.internal:5432/campaigns`.
  public let place: String
  /// The URL with any password replaced by `***`.
  public let redactedURL: String

  /// Connects, or throws a `PGError` naming host and database.
  public init(url: String, applicationName: String = "cq") throws(PGError) {
    redactedURL = PGURL.redact(url)
    let info = PGURL.withDefaults(url, applicationName: applicationName)
    guard let c = PQconnectdb(info) else {
      throw PGError(
        kind: .connection, message: "cannot connect to \(PGURL.redact(url)): out of memory")
    }
    conn = c
    place = PGConnection.describe(c)
    if PQstatus(c) != CONNECTION_OK {
      let reason = PGConnection.firstLine(String(cString: PQerrorMessage(c)))
      // Every stored property is set, so throwing now runs deinit, which calls PQfinish: a
      // second PQfinish here would free the connection twice (cq crashed on a refused login).
      let auth =
        reason.contains("password authentication failed") || reason.contains("no password supplied")
        || reason.contains("authentication failed")
      if auth {
        throw PGError(
          kind: .authentication,
          message:
            "PostgreSQL at \(place) refused the login: \(PGConnection.scrub(reason)); check the user, PGPASSWORD or ~/.pgpass"
        )
      }
      throw PGError(
        kind: .connection,
        message:
          "cannot connect to PostgreSQL at \(place): \(PGConnection.scrub(reason)); is the server running, and are the host and port right?"
      )
    }
    PQsetNoticeProcessor(c, { _, _ in }, nil)
  }

  deinit { PQfinish(conn) }

  /// `USER@HOST:PORT/DB` of a live connection.
  private static func describe(_ c: OpaquePointer) -> String {
    func s(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
    let host = s(PQhost(c))
    let port = s(PQport(c))
    let db = s(PQdb(c))
    let user = s(PQuser(c))
    let shownHost = host.hasPrefix("/") ? "local socket \(host)" : host
    return "\(user.isEmpty ? "" : user + "@")\(shownHost)\(port.isEmpty ? "" : ":" + port)/\(db)"
  }

  static func firstLine(_ text: String) -> String {
    let lines = text.split(whereSeparator: \.isNewline).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    // libpq puts "connection to server at … failed:" first and the reason after it.
    if lines.count > 1, lines[0].hasSuffix("failed:") { return lines[0] + " " + lines[1] }
    return lines.first ?? "unknown error"
  }

  /// Removes anything that looks like a password from a server or libpq message.
  static func scrub(_ text: String) -> String { PGURL.redact(text) }

  /// The server's version number (150018 for 15.18).
  public var serverVersion: Int { Int(PQserverVersion(conn)) }

  /// Asked, besides each statement's own `shouldCancel`, whether to cancel the running
  /// statement (nil: only `shouldCancel`): cq sets it while it connects, so Ctrl-C stops the
  /// catalogue reads and derived-table builds too.
  public var cancelWhen: (() -> Bool)?

  /// A handle that cancels the running statement from any thread.
  public var canceller: PGCanceller { PGCanceller(PQgetCancel(conn)) }

  // MARK: - Statements

  /// Runs one statement with `parameters` bound as `$1, $2, …` (text; nil is NULL).
  ///
  /// `shouldCancel` is polled while the server works (every 50 ms); when it says yes the
  /// statement is cancelled on the server and ``PGError/Kind/cancelled`` is thrown.
  @discardableResult
  public func query(
    _ sql: String, _ parameters: [String?] = [], shouldCancel: () -> Bool = { false }
  ) throws(PGError) -> PGRows {
    let sent = withParameters(parameters) { values, count in
      PQsendQueryParams(conn, sql, count, nil, values, nil, nil, 0)
    }
    guard sent == 1 else { throw connectionLost() }
    try wait(shouldCancel: shouldCancel)
    var out: PGRows? = nil
    var failure: PGError? = nil
    while let r = PQgetResult(conn) {
      defer { PQclear(r) }
      if failure != nil { continue }
      switch PQresultStatus(r) {
      case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
        out = PGConnection.rows(r)
      default:
        failure = error(from: r)
      }
    }
    if let failure { throw failure }
    return out ?? PGRows(columns: [], rows: [], affected: nil)
  }

  /// Runs one query with `parameters` bound as `$1, $2, …` and hands back libpq's result as
  /// it is, for reading large results cell by cell without a `String` per cell.
  ///
  /// Cancellation as in ``query(_:_:shouldCancel:)``.
  public func result(
    _ sql: String, _ parameters: [String?] = [], shouldCancel: () -> Bool = { false }
  ) throws(PGError) -> PGResult {
    let sent = withParameters(parameters) { values, count in
      PQsendQueryParams(conn, sql, count, nil, values, nil, nil, 0)
    }
    guard sent == 1 else { throw connectionLost() }
    try wait(shouldCancel: shouldCancel)
    var out: PGResult? = nil
    var failure: PGError? = nil
    while let r = PQgetResult(conn) {
      if failure != nil || out != nil {
        PQclear(r)
        continue
      }
      switch PQresultStatus(r) {
      case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
        out = PGResult(r)
      default:
        failure = error(from: r)
        PQclear(r)
      }
    }
    if let failure { throw failure }
    guard let out else { throw connectionLost() }
    return out
  }

  /// Runs statements that take no parameters and return nothing (`BEGIN`, DDL), in order.
  public func execute(_ statements: String...) throws(PGError) {
    for s in statements { try query(s) }
  }

  /// `COPY … FROM STDIN`: sends `chunks` of text-format rows, then ends the copy.
  public func copy(
    _ sql: String,
    chunks: (_ send: (UnsafeRawBufferPointer) throws(PGError) -> Void) throws(PGError) -> Void
  ) throws(PGError) -> Int {
    guard let started = PQexec(conn, sql) else { throw connectionLost() }
    let status = PQresultStatus(started)
    if status != PGRES_COPY_IN {
      let e = error(from: started)
      PQclear(started)
      throw e
    }
    PQclear(started)
    var sendFailure: PGError? = nil
    do throws(PGError) {
      try chunks { (buffer: UnsafeRawBufferPointer) throws(PGError) in
        guard buffer.count > 0, let address = buffer.baseAddress else { return }
        let base = address.assumingMemoryBound(to: CChar.self)
        if PQputCopyData(conn, base, Int32(buffer.count)) != 1 { throw connectionLost() }
      }
    } catch {
      sendFailure = error
    }
    _ = PQputCopyEnd(conn, sendFailure == nil ? nil : "cq stopped the copy")
    var affected = 0
    var failure: PGError? = sendFailure
    while let r = PQgetResult(conn) {
      defer { PQclear(r) }
      if PQresultStatus(r) == PGRES_COMMAND_OK {
        affected = Int(String(cString: PQcmdTuples(r))) ?? 0
      } else if failure == nil {
        failure = error(from: r)
      }
    }
    if let failure { throw failure }
    return affected
  }

  // MARK: - Internals

  private func withParameters<R>(
    _ parameters: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?, Int32) -> R
  ) -> R {
    var storage: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
    defer { for p in storage { free(p) } }
    return storage.withUnsafeMutableBufferPointer { buffer in
      guard let address = buffer.baseAddress, !parameters.isEmpty else { return body(nil, 0) }
      return address.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
        body(UnsafePointer($0), Int32(parameters.count))
      }
    }
  }

  /// Waits for the server's answer, cancelling it when `shouldCancel` says so.
  private func wait(shouldCancel: () -> Bool) throws(PGError) {
    let socket = PQsocket(conn)
    var cancelled = false
    while true {
      if PQconsumeInput(conn) == 0 { throw connectionLost() }
      if PQisBusy(conn) == 0 { return }
      if !cancelled, shouldCancel() || cancelWhen?() == true {
        cancelled = true
        canceller.cancel()
      }
      var fd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
      _ = poll(&fd, 1, 50)
    }
  }

  private func connectionLost() -> PGError {
    let reason = PGConnection.firstLine(String(cString: PQerrorMessage(conn)))
    return PGError(
      kind: .connection,
      message:
        "lost the connection to PostgreSQL at \(place): \(PGConnection.scrub(reason)); is the server still running?"
    )
  }

  private func error(from r: OpaquePointer) -> PGError {
    func field(_ code: Int32) -> String? { PQresultErrorField(r, code).map { String(cString: $0) } }
    let state = field(Int32(UInt8(ascii: "C")))
    let primary =
      field(Int32(UInt8(ascii: "M")))
      ?? PGConnection.firstLine(String(cString: PQresultErrorMessage(r)))
    if PQstatus(conn) != CONNECTION_OK { return connectionLost() }
    if state == "57014" {
      return PGError(
        kind: .cancelled, message: "PostgreSQL at \(place) stopped the query: \(primary)",
        sqlState: state)
    }
    return PGError(
      kind: .server, message: "PostgreSQL at \(place): \(PGConnection.scrub(primary))",
      sqlState: state)
  }

  private static func rows(_ r: OpaquePointer) -> PGRows {
    let n = Int(PQntuples(r))
    let m = Int(PQnfields(r))
    let columns = (0..<m).map { String(cString: PQfname(r, Int32($0))) }
    var rows: [[String?]] = []
    rows.reserveCapacity(n)
    for i in 0..<n {
      var row: [String?] = []
      row.reserveCapacity(m)
      for j in 0..<m {
        if PQgetisnull(r, Int32(i), Int32(j)) == 1 {
          row.append(nil)
        } else {
          row.append(String(cString: PQgetvalue(r, Int32(i), Int32(j))))
        }
      }
      rows.append(row)
    }
    let tuples = String(cString: PQcmdTuples(r))
    return PGRows(columns: columns, rows: rows, affected: Int(tuples))
  }
}

/// A query's result as libpq holds it (text format): cells read in place.
public final class PGResult {
  private let handle: OpaquePointer
  /// Rows of the result.
  public let rowCount: Int
  /// Columns of the result.
  public let columnCount: Int

  init(_ handle: OpaquePointer) {
    self.handle = handle
    rowCount = Int(PQntuples(handle))
    columnCount = Int(PQnfields(handle))
  }

  deinit { PQclear(handle) }

  /// Whether the cell is NULL.
  @inline(__always) public func isNull(_ row: Int, _ column: Int) -> Bool {
    PQgetisnull(handle, Int32(row), Int32(column)) == 1
  }

  /// The cell's text, nil for NULL.
  public func string(_ row: Int, _ column: Int) -> String? {
    if isNull(row, column) { return nil }
    return withBytes(row, column) { String(decoding: $0, as: UTF8.self) }
  }

  /// Calls `body` with the cell's text as bytes (empty for NULL), valid only inside `body`.
  @inline(__always) public func withBytes<R>(
    _ row: Int, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
  ) rethrows -> R {
    let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
    guard let p = PQgetvalue(handle, Int32(row), Int32(column)) else {
      return try body(UnsafeBufferPointer(start: nil, count: 0))
    }
    return try p.withMemoryRebound(to: UInt8.self, capacity: max(length, 1)) {
      try body(UnsafeBufferPointer(start: $0, count: length))
    }
  }

  /// The cell as a whole number (`-123`), nil for NULL or anything else (a fraction, a number
  /// beyond 64 bits).
  public func int64(_ row: Int, _ column: Int) -> Int64? {
    if isNull(row, column) { return nil }
    return withBytes(row, column) { bytes -> Int64? in
      var i = 0
      var negative = false
      if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
        negative = true
        i += 1
      }
      guard i < bytes.count else { return nil }
      var magnitude: UInt64 = 0
      while i < bytes.count {
        let digit = bytes[i] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
        if o1 || o2 { return nil }
        magnitude = sum
        i += 1
      }
      if negative {
        return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
      }
      return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }
  }
}

/// Cancels the statement running on a connection; safe from any thread (libpq's `PQcancel`).
public final class PGCanceller: @unchecked Sendable {
  // PGcancel is immutable after PQgetCancel, and PQcancel is documented as safe to call from
  // any thread, even a signal handler: nothing here is shared mutable state.
  private let handle: OpaquePointer?
  init(_ handle: OpaquePointer?) { self.handle = handle }
  deinit { if let handle { PQfreeCancel(handle) } }

  /// Asks the server to cancel the running statement (quietly does nothing if none runs).
  public func cancel() {
    guard let handle else { return }
    var buffer = [CChar](repeating: 0, count: 256)
    _ = PQcancel(handle, &buffer, Int32(buffer.count))
  }
}

/// PostgreSQL connection URLs: defaults cq adds, and the form shown to people.
public enum PGURL {
  /// Whether `text` names a PostgreSQL database (`postgres://` or `postgresql://`).
  public static func isPostgres(_ text: String) -> Bool {
    let lower = text.lowercased()
    return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
  }

  /// `url` with `application_name` and a connect timeout added unless given.
  static func withDefaults(_ url: String, applicationName: String) -> String {
    guard isPostgres(url) else { return url }
    var extra: [String] = []
    if !url.contains("application_name=") { extra.append("application_name=\(applicationName)") }
    if !url.contains("connect_timeout=") { extra.append("connect_timeout=10") }
    guard !extra.isEmpty else { return url }
    return url + (url.contains("?") ? "&" : "?") + extra.joined(separator: "&")
  }

  /// Replaces the password of every URL in `text` (`postgres://u:SECRET@h` → `postgres://u:***@h`)
  /// and every `password=…` parameter.
  public static func redact(_ text: String) -> String {
    var out = text
    if let regex = try? NSRegularExpression(
      pattern: "(postgres(?:ql)?://[^:/@\\s]*):[^@\\s]*@", options: [.caseInsensitive])
    {
      out = regex.stringByReplacingMatches(
        in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1:***@")
    }
    if let regex = try? NSRegularExpression(
      pattern: "(password=)[^&\\s]*", options: [.caseInsensitive])
    {
      out = regex.stringByReplacingMatches(
        in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1***")
    }
    return out
  }
}
