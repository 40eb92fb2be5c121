import ArgumentParser
import CQPostgres
import CQStorage
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `cq load DIR --into postgres://USER@HOST:PORT/DB`: validates a data folder as cq reads it,
/// then replaces the database's tables with it in one transaction (SPEC §8).
///
/// ```
/// cq load data --into postgres://analyst@db.internal:5432/campaigns
/// ```
struct LoadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "load",
    abstract: "Validate a data folder and load it into PostgreSQL or Citus, in one transaction.",
    discussion: """
      Checks every CSV file as cq does (the same FILE:LINE errors), then creates the tables \
      influencers, posts, tracking_data, payouts (and products, store_orders when present) with \
      typed columns (money as integer paise, dates as date) and fills them with COPY. It all \
      happens in one transaction: a failed load leaves the previous tables as they were. With \
      the citus extension the fact tables are distributed by influencer_id and co-located, and \
      influencers and products become reference tables. The password comes from PGPASSWORD, \
      ~/.pgpass or the URL, and is never shown.

      Exit status: 0 loaded, 4 a data, connection or server failure, 1 anything else.
      """)

  @Argument(help: ArgumentHelp("The data folder of CSV files.", valueName: "dir"))
  var folder: String

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The database: postgres://USER@HOST:PORT/DB (libpq's URL; sslmode=… and options=… too).",
      valueName: "url"))
  var into: String

  func validate() throws {
    guard PGURL.isPostgres(into) else {
      throw ValidationError(
        "'--into' takes a PostgreSQL URL such as postgres://USER@HOST:5432/DB, found '\(Self.redacted(into))'"
      )
    }
  }

  func run() throws {
    let clock = ContinuousClock()
    let start = clock.now
    let terminal = isatty(2) == 1
    let data: DataSet
    do {
      data = try DataLoader.load(folder: folder)
    } catch {
      Terminal.writeErr("\(error)\n")
      throw ExitCode(4)
    }
    for w in data.warnings { Terminal.writeErr("note: \(w)\n") }

    let connection: PGConnection
    do {
      connection = try PGConnection(url: into)
    } catch {
      Terminal.writeErr("\(error.message)\n")
      throw ExitCode(4)
    }

    var shown = ""
    var load = PostgresLoad(data: data, connection: connection)
    if terminal {
      load.progress = { table, done, total in
        let percent = total == 0 ? 100 : done * 100 / total
        let line = "loading \(table): \(percent)%"
        guard line != shown else { return }
        shown = line
        Terminal.writeErr("\r\u{1B}[2K" + line)
      }
    }
    let summary: PostgresLoad.Summary
    do {
      summary = try load.run()
    } catch {
      if terminal { Terminal.writeErr("\r\u{1B}[2K") }
      switch error {
      case .data(let failure):
        Terminal.writeErr("\(failure); nothing was loaded into \(connection.place)\n")
      case .server(let failure):
        let kept = failure.kind == .connection ? "" : "; nothing was changed"
        Terminal.writeErr("\(failure.message)\(kept)\n")
      }
      throw ExitCode(4)
    }
    if terminal { Terminal.writeErr("\r\u{1B}[2K") }

    let elapsed = clock.now - start
    let tenths =
      elapsed.components.seconds * 10 + elapsed.components.attoseconds / 100_000_000_000_000_000
    let counts = summary.tables.map { "\(grouped($0.rows)) \(Self.rowNoun($0.name, $0.rows))" }
    let citus = summary.citus ? ", distributed with Citus" : ""
    Terminal.writeErr(
      "loaded \(summary.tables.count) tables (\(counts.joined(separator: ", "))) into \(connection.place)\(citus) in \(tenths / 10).\(tenths % 10) s\n"
    )
  }

  /// `url` with the password of any `scheme://user:password@` replaced by `***`.
  static func redacted(_ url: String) -> String {
    PGURL.redact(
      url.replacingOccurrences(
        of: #"://([^:/@\s]*):[^@\s]*@"#, with: "://$1:***@", options: .regularExpression))
  }

  /// How rows of `table` are counted in the summary: `10,000 tracking rows`, `500 influencers`.
  static func rowNoun(_ table: String, _ count: Int) -> String {
    let one = count == 1
    switch table {
    case "influencers": return one ? "influencer" : "influencers"
    case "posts": return one ? "post" : "posts"
    case "tracking_data": return one ? "tracking row" : "tracking rows"
    case "payouts": return one ? "payout" : "payouts"
    case "products": return one ? "product" : "products"
    case "store_orders": return one ? "store order row" : "store order rows"
    default: return one ? "\(table) row" : "\(table) rows"
    }
  }
}

/// `n` with thousands separators (`10,000`).
private func grouped(_ n: Int) -> String {
  let digits = String(n)
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return out
}
