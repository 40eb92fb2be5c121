/// Display width of text in a terminal, in columns.
///
/// Measured per grapheme cluster: a cluster that shows as an emoji (emoji presentation,
/// a variation selector 16, a flag, a ZWJ sequence) takes 2 columns; otherwise its scalars add
/// up, with East Asian wide and fullwidth characters 2, and combining marks (Devanagari virama
/// and vowel signs that do not take space), zero-width joiners, variation selectors and other
/// format characters 0. Spacing marks (such as Devanagari `ा`) take 1, as in `wcwidth`.
public enum TerminalWidth {
  /// The number of terminal columns `s` takes.
  ///
  /// - Complexity: O(*n*) in the number of Unicode scalars of `s`.
  public static func displayWidth(_ s: String) -> Int {
    var total = 0
    for character in s { total += width(of: character) }
    return total
  }

  /// The number of terminal columns one grapheme cluster takes.
  ///
  /// Emoji clusters take 2; other clusters add up their scalars, as `wcwidth` does, so a
  /// Devanagari conjunct such as `र्मा` takes 3 (र 1, virama 0, म 1, vowel sign ा 1).
  public static func width(of character: Character) -> Int {
    let scalars = character.unicodeScalars
    if let first = scalars.first, scalars.count == 1, first.isASCII {
      return first.value < 0x20 || first.value == 0x7F ? 0 : 1
    }
    var sum = 0
    for scalar in scalars {
      if isEmojiPresentation(scalar) || scalar.value == 0xFE0F { return 2 }
      sum += width(of: scalar)
    }
    return sum
  }

  /// The width of a lone scalar (0, 1 or 2).
  static func width(of scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
    if v < 0x300 { return 1 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if (0x1160...0x11FF).contains(v) || v == 0x200B { return 0 }
    return isWide(v) ? 2 : 1
  }

  static func isEmojiPresentation(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value >= 0x231A && scalar.properties.isEmojiPresentation
  }

  /// East Asian Wide (W) and Fullwidth (F) ranges, plus pictographs usually shown wide.
  static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
      0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
      0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
      0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD,
      0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }

  /// `s` cut to at most `width` columns, ending in `ellipsis` when something was removed.
  ///
  /// - Complexity: O(*n*) in the length of `s`.
  public static func truncate(_ s: String, toWidth width: Int, ellipsis: String = "…") -> String {
    guard width > 0 else { return "" }
    if displayWidth(s) <= width { return s }
    let ellipsisWidth = displayWidth(ellipsis)
    guard width > ellipsisWidth else { return String(repeating: ".", count: width) }
    var out = ""
    var used = 0
    for character in s {
      let w = TerminalWidth.width(of: character)
      if used + w > width - ellipsisWidth { break }
      out.append(character)
      used += w
    }
    return out + ellipsis
  }

  /// `s` padded with spaces to `width` columns, on the right (`left` alignment) or the left.
  public static func pad(_ s: String, toWidth width: Int, alignRight: Bool) -> String {
    let missing = width - displayWidth(s)
    guard missing > 0 else { return s }
    let spaces = String(repeating: " ", count: missing)
    return alignRight ? spaces + s : s + spaces
  }

  /// `s` centred in `width` columns (extra space on the right).
  static func center(_ s: String, toWidth width: Int) -> String {
    let missing = width - displayWidth(s)
    guard missing > 0 else { return s }
    let left = missing / 2
    return String(repeating: " ", count: left) + s + String(repeating: " ", count: missing - left)
  }

  /// cq's own typographic marks in `s` spelt in ASCII (`≤` as `<=`, `–` as `-`, `₹` as `Rs `),
  /// for notes under `--ascii`; data text is left as it is.
  static func asciiMarks(_ s: String) -> String {
    guard !s.allSatisfy(\.isASCII) else { return s }
    var out = ""
    for c in s {
      switch c {
      case "≤": out += "<="
      case "≥": out += ">="
      case "≠": out += "!="
      case "–", "—", "·", "−": out += "-"
      case "…": out += "..."
      case "×": out += "x"
      case "÷": out += "/"
      case "±": out += "+/-"
      case "→": out += "->"
      case "₹": out += "Rs "
      case "✓": out += "ok"
      case "‘", "’": out += "'"
      case "“", "”": out += "\""
      default: out.append(c)
      }
    }
    return out
  }

  /// `s` made safe for one line of a terminal: line breaks become `↵` (` ` in ASCII mode),
  /// tabs become a space, other control characters (including ESC) become `�` (`?`).
  static func singleLine(_ s: String, ascii: Bool) -> String {
    guard
      s.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) })
    else { return s }
    var out = ""
    var previousCR = false
    for scalar in s.unicodeScalars {
      let v = scalar.value
      if v == 0x0A && previousCR {
        previousCR = false
        continue
      }
      previousCR = v == 0x0D
      switch v {
      case 0x0A, 0x0D: out += ascii ? " " : "↵"
      case 0x09: out += " "
      case 0..<0x20, 0x7F..<0xA0: out += ascii ? "?" : "\u{FFFD}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
