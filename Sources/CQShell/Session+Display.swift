import CQRendering
import CQStorage
import Foundation

/// How a table-format result is laid out (`set display`).
///
/// ```
/// set display vertical     -- every result as -[ RECORD n ]- blocks of column | value lines
/// set display auto         -- only when the table is wider than the terminal
/// set display table        -- the box-drawn table (the default)
/// ```
public enum DisplayMode: String, CaseIterable, Sendable {
  /// The box-drawn table, cut to a terminal's width with a marker (SPEC §5).
  case table
  /// psql's expanded display (`\x`): one field per line.
  case vertical
  /// Vertical on a terminal when the table would be wider than it (psql's `\x auto`).
  case auto
}

extension Session {
  /// Renders `shown` in the session format; a table as records when `set display` asks for it.
  func render(_ shown: ResultSet, options opts: RenderOptions) -> String {
    if settings.format == .table, showsVertically(shown, options: opts) {
      return ResultRenderer.renderVertical(shown, options: opts)
    }
    return ResultRenderer.render(shown, format: settings.format, options: opts)
  }

  /// Whether a table goes out as records: always under `vertical`; under `auto` when it has a
  /// width to fit (a terminal) and its table would be wider.
  func showsVertically(_ shown: ResultSet, options opts: RenderOptions) -> Bool {
    switch settings.display {
    case .table: false
    case .vertical: true
    case .auto:
      opts.width.map { ResultRenderer.naturalTableWidth(of: shown, options: opts) > $0 } ?? false
    }
  }
}
