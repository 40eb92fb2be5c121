/// How a result is rendered: terminal width, row limit, number grouping, colour and charset.
///
/// The caller decides each field from the session (`set width`, `set rows`, `set grouping`,
/// `--color`, `--ascii`) and from where the output goes: a file or pipe gets `width == nil`,
/// which means nothing is ever cut.
public struct RenderOptions: Sendable {
  /// Terminal width in columns; `nil` means never cut (file or pipe).
  public var width: Int?
  /// `set rows N`: the most body rows a terminal table shows; `nil` shows all.
  ///
  /// Only applies when `width != nil`. The first and last rows are kept and a line says how
  /// many were left out. ``RenderOptions/terminalDefaultMaxRows`` is the suggested default.
  public var maxRows: Int?
  /// Thousands separators: `1,787,981` (western) or `17,87,981` (Indian lakh/crore).
  public var grouping: Grouping
  /// ANSI colour (bold headers, dim rules, red negatives); never used by machine formats.
  public var color: Bool
  /// Plain ASCII borders (`+-|`) and chart glyphs instead of box drawing and blocks.
  public var ascii: Bool
  /// The currency symbol put before money in tables, charts and prose (``ProseRenderer``).
  public var currencySymbol: String
  /// A line printed under a table, such as `12 rows · 3.1 ms` when `set timer on`.
  public var footer: String?
  /// A reference listing (`schema`, `show metrics`): on a terminal every row is shown
  /// (`maxRows` does not apply), and text too wide for the screen wraps at word boundaries
  /// onto more lines of its row instead of being cut or its column hidden (columns are still
  /// dropped when even wrapped text cannot fit).
  public var wrapsText = false

  /// The row limit a terminal uses unless the user says otherwise (`set rows`).
  public static let terminalDefaultMaxRows = 40

  /// Creates options; the defaults suit a file or pipe (no width, no colour, all rows).
  public init(
    width: Int? = nil, maxRows: Int? = nil, grouping: Grouping = .western, color: Bool = false,
    ascii: Bool = false, currencySymbol: String = "₹", footer: String? = nil
  ) {
    self.width = width
    self.maxRows = maxRows
    self.grouping = grouping
    self.color = color
    self.ascii = ascii
    self.currencySymbol = currencySymbol
    self.footer = footer
  }
}

/// How digits of large numbers are grouped.
public enum Grouping: String, Sendable, CaseIterable {
  /// Groups of three: `1,787,981`.
  case western
  /// Last three, then groups of two (lakh, crore): `17,87,981`.
  case indian
}

extension RenderOptions {
  /// `text` as this output writes cq's own marks: spelt in ASCII under `--ascii` (`≤` as
  /// `<=`, `₹` as `Rs `), else as it is.
  public func marks(_ text: String) -> String { ascii ? TerminalWidth.asciiMarks(text) : text }
}
