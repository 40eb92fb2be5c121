/// Adds ANSI colour to finished text; does nothing when colour is off.
///
/// Styles are applied after padding, so escape codes never count toward column widths.
/// Machine formats never use it.
struct TerminalStyle: Sendable {
  var enabled: Bool

  func bold(_ s: String) -> String { wrap(s, "1") }
  func dim(_ s: String) -> String { wrap(s, "2") }
  func red(_ s: String) -> String { wrap(s, "31") }

  private func wrap(_ s: String, _ code: String) -> String {
    guard enabled, !s.isEmpty else { return s }
    return "\u{1B}[\(code)m" + s + "\u{1B}[0m"
  }
}
