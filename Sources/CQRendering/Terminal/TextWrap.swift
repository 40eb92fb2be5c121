/// Prose and table cells wrapped at word boundaries to a terminal width.
///
/// ```
/// cq> describe incremental_roas
///   meaning: new-customer revenue per rupee of payout. Heuristic: assumes a customer's
///            first purchase was caused by the campaign that tracked it
/// ```
///
/// A line breaks between words, never inside one unless the word alone is wider than the
/// line. Continuation lines hang under the text after a line's indentation and its lead-in
/// (`1. `, `- `, or a short `label: `), so lists and `describe`'s fields stay readable.
/// Widths are display widths (``TerminalWidth/displayWidth(_:)``).
public enum TextWrap {
  /// `text` with every line longer than `width` broken at spaces.
  ///
  /// - Complexity: O(*n*) in the characters of `text`.
  public static func wrap(_ text: String, width: Int) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false)
      .flatMap { wrapLine(String($0), width: width) }
      .joined(separator: "\n")
  }

  /// `head`, then `text` wrapped under it with a hanging indent.
  ///
  /// Every continuation line is indented to `head`'s width, for a column of names and their
  /// descriptions (`help set`, `help metrics`). A word wider than the room left starts a line.
  public static func hanging(_ text: String, after head: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = head
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      if line.count + 1 + word.count > width, line.count > head.count {
        lines.append(line)
        line = String(repeating: " ", count: head.count) + word
      } else {
        line += (line.count == head.count ? "" : " ") + word
      }
    }
    lines.append(line)
    return lines
  }

  /// One line (no line breaks in it) as the lines it wraps to; the line itself when it fits.
  public static func wrapLine(_ line: String, width: Int) -> [String] {
    guard width > 0, TerminalWidth.displayWidth(line) > width else { return [line] }
    let hang = hangingIndent(of: line, width: width)
    let indent = String(repeating: " ", count: hang)
    var lines: [String] = []
    var current = ""
    var currentWidth = 0
    // The line's own indentation is kept; then words (runs of non-spaces) with single spaces.
    let leading = line.prefix { $0 == " " }
    current = String(leading)
    currentWidth = leading.count
    var started = false  // a word is on the current line
    for word in line.dropFirst(leading.count).split(separator: " ", omittingEmptySubsequences: true)
    {
      var word = String(word)
      var wordWidth = TerminalWidth.displayWidth(word)
      if started, currentWidth + 1 + wordWidth <= width {
        current += " " + word
        currentWidth += 1 + wordWidth
        continue
      }
      if started {
        lines.append(current)
        current = indent
        currentWidth = hang
      }
      // A word wider than the room left is cut where the line ends.
      while currentWidth + wordWidth > width, width - currentWidth > 0 {
        let (head, tail) = split(word, atWidth: width - currentWidth)
        guard !head.isEmpty else { break }
        lines.append(current + head)
        current = indent
        currentWidth = hang
        word = tail
        wordWidth = TerminalWidth.displayWidth(word)
      }
      current += word
      currentWidth += wordWidth
      started = true
    }
    lines.append(current)
    return lines
  }

  /// Where continuation lines start: after the indentation and a lead-in (`12. `, `- `, `• `,
  /// or a `label: ` of at most 20 characters without spaces), unless that leaves less than
  /// half the width.
  static func hangingIndent(of line: String, width: Int) -> Int {
    let leading = line.prefix { $0 == " " }.count
    let rest = line.dropFirst(leading)
    var lead = 0
    if let marker = rest.firstIndex(of: " ") {
      let word = rest[..<marker]
      let isNumber =
        word.count >= 2 && word.hasSuffix(".") && word.dropLast().allSatisfy(\.isNumber)
      let isBullet = word == "-" || word == "•" || word == "*"
      let isLabel = word.count >= 2 && word.count <= 21 && word.hasSuffix(":")
      if isNumber || isBullet || isLabel {
        lead = TerminalWidth.displayWidth(String(word)) + 1
        // Align with the text after any extra spaces (`from:    tracking_data`).
        lead += rest[rest.index(after: marker)...].prefix { $0 == " " }.count
      }
    }
    let hang = leading + lead
    return hang <= width / 2 ? hang : min(leading, width / 2)
  }

  /// `word` cut into a head at most `width` columns wide and the rest.
  static func split(_ word: String, atWidth width: Int) -> (String, String) {
    var head = ""
    var used = 0
    var index = word.startIndex
    while index < word.endIndex {
      let w = TerminalWidth.width(of: word[index])
      if used + w > width { break }
      head.append(word[index])
      used += w
      index = word.index(after: index)
    }
    return (head, String(word[index...]))
  }
}
