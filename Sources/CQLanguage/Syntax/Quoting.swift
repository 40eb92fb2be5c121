/// How a value is written into statement text so that the parser reads it back as that value.
///
/// A value the lexer reads as one word, number or date, and that is no keyword reserved by
/// the grammar, stays bare; any other value is quoted.
///
/// ```
/// brand=MuscleBlaze
/// product="Whey Protein 1kg"
/// campaign="with"
/// ```
public enum Quoting {
  /// Whether `value` must be written as a quoted string.
  ///
  /// - Complexity: O(*n*) in the length of `value`.
  public static func needsQuotes(_ value: String) -> Bool {
    let tokens = Lexer.tokenize(value)
    guard tokens.count == 2, let token = tokens.first, token.text == value,
      [.word, .number, .date, .month].contains(token.kind)
    else { return true }
    return isKeyword(value.lowercased())
  }

  /// Words that would be read as their keyword where a value stands, or confuse a reader.
  static func isKeyword(_ word: String) -> Bool {
    Keywords.reserved.contains(word) || Keywords.clauses.contains(word)
      || Keywords.conditions.contains(word) || word == "asc" || word == "desc"
  }

  /// `value` as written in a statement: bare when it can be, else ``quote(_:)``.
  public static func spell(_ value: String) -> String {
    needsQuotes(value) ? quote(value) : value
  }

  /// `"…"` with `\` and `"` escaped by a backslash, and line breaks and tabs as the lexer
  /// reads them (`\n`, `\t`; a CR is dropped).
  public static func quote(_ value: String) -> String {
    var out = "\""
    for c in value {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n", "\r\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": break
      default: out.append(c)
      }
    }
    return out + "\""
  }
}
