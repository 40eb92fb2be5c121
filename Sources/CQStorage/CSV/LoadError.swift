/// A failure to load a data folder: what went wrong, where, and the offending text (SPEC §1).
///
/// `description` is the full message, `FILE:LINE: …`, for example
/// `data/tracking_data.csv:12: column 'revenue': expected money, found "₹120"`.
/// Match a kind of failure in `catch` with the code's static member on `LoadError`
/// (a GRDB-style expression pattern):
///
/// ```swift
/// do { dataSet = try DataLoader.load(folder: "data") }
/// catch LoadError.missingFile { … }
/// catch LoadError.badValue { … }
/// ```
public struct LoadError: Error, CustomStringConvertible, Sendable {
  /// The kind of failure.
  public enum Code: Sendable, Hashable {
    /// A value that does not parse as its column's kind (also a bad header or stray quote).
    case badValue
    /// A required column is absent from the header.
    case missingColumn
    /// A required file (or the folder itself) does not exist.
    case missingFile
    /// A file with no header row.
    case emptyFile
    /// A quoted field that never closes; reported at the line where it opens.
    case unterminatedQuote
    /// Bytes that are not UTF-8.
    case invalidUTF8
    /// A key seen twice (influencer id, or a product mapped to two brands).
    case duplicateID
    /// A record with more or fewer fields than the header.
    case wrongFieldCount
    /// The file could not be read.
    case io
    /// A number column whose total exceeds what cq sums exactly (README "Limits").
    case outOfRange
  }

  /// The kind of failure.
  public var code: Code
  /// The file as `folder/name` (folder exactly as passed to the loader).
  public var file: String
  /// The 1-based physical line where the failing record starts (the header is line 1).
  public var line: Int?
  /// The column (header name, lower-cased), when one is to blame.
  public var column: String?
  /// The offending text, when there is one.
  public var text: String?
  /// The full message: `FILE:LINE: detail`.
  public var description: String

  /// Creates an error whose description is `file[:line]: message`.
  public init(
    code: Code, file: String, line: Int? = nil, column: String? = nil, text: String? = nil,
    message: String
  ) {
    self.code = code
    self.file = file
    self.line = line
    self.column = column
    self.text = text
    self.description = (line.map { "\(file):\($0)" } ?? file) + ": " + message
  }

  // Codes as static members, so `catch LoadError.badValue` is an expression pattern matched
  // by `~=` below (`LoadError.Code.badValue` would be an enum-case pattern, which cannot match).
  /// A value that does not parse as its column's kind (`catch LoadError.badValue`).
  public static let badValue = Code.badValue
  /// A required column absent from the header (`catch LoadError.missingColumn`).
  public static let missingColumn = Code.missingColumn
  /// A required file or folder that does not exist (`catch LoadError.missingFile`).
  public static let missingFile = Code.missingFile
  /// A file with no header row (`catch LoadError.emptyFile`).
  public static let emptyFile = Code.emptyFile
  /// A quoted field that never closes (`catch LoadError.unterminatedQuote`).
  public static let unterminatedQuote = Code.unterminatedQuote
  /// Bytes that are not UTF-8 (`catch LoadError.invalidUTF8`).
  public static let invalidUTF8 = Code.invalidUTF8
  /// A key seen twice (`catch LoadError.duplicateID`).
  public static let duplicateID = Code.duplicateID
  /// A record whose field count is not the header's (`catch LoadError.wrongFieldCount`).
  public static let wrongFieldCount = Code.wrongFieldCount
  /// A file that could not be read (`catch LoadError.io`).
  public static let io = Code.io
  /// A total beyond what cq sums exactly (`catch LoadError.outOfRange`).
  public static let outOfRange = Code.outOfRange
}

extension LoadError.Code {
  /// Matches a `LoadError` of this code, so `catch LoadError.badValue` works.
  public static func ~= (code: LoadError.Code, error: LoadError) -> Bool { error.code == code }

  /// Matches any error that is a `LoadError` of this code.
  public static func ~= (code: LoadError.Code, error: any Error) -> Bool {
    (error as? LoadError)?.code == code
  }
}

// MARK: - Message catalog (alphabetized)

extension LoadError {
  static func badHeader(file: String, column: String, message: String) -> LoadError {
    LoadError(code: .badValue, file: file, line: 1, column: column, message: message)
  }

  static func badValue(
    file: String, line: Int, column: String, expected: String, found: String,
    code: Code = .badValue
  ) -> LoadError {
    LoadError(
      code: code, file: file, line: line, column: column, text: found,
      message: "column '\(column)': expected \(expected), found \"\(shown(found))\"")
  }

  static func conflictingProduct(file: String, line: Int, product: String, firstLine: Int)
    -> LoadError
  {
    LoadError(
      code: .duplicateID, file: file, line: line, column: "product", text: product,
      message:
        "column 'product': product \"\(product)\" mapped to a second brand (first on line \(firstLine))"
    )
  }

  static func duplicateInfluencer(file: String, line: Int, id: String, firstLine: Int) -> LoadError
  {
    LoadError(
      code: .duplicateID, file: file, line: line, column: "id", text: id,
      message: "column 'id': expected unique id, found \"\(id)\" (first on line \(firstLine))")
  }

  static func emptyFile(file: String) -> LoadError {
    LoadError(code: .emptyFile, file: file, message: "empty file, expected a header row")
  }

  static func headerHoldsLineBreak(file: String, character: Unicode.Scalar) -> LoadError {
    let hex = String(character.value, radix: 16, uppercase: true)
    let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    return LoadError(
      code: .badValue, file: file, line: 1,
      message:
        "no rows read: the header row holds a line break (\(code)), so the data ran into it; "
        + "save the file with LF or CRLF line endings")
  }

  static func invalidUTF8(file: String, line: Int) -> LoadError {
    LoadError(code: .invalidUTF8, file: file, line: line, message: "invalid UTF-8")
  }

  static func io(file: String, reason: String) -> LoadError {
    LoadError(code: .io, file: file, message: "cannot read: \(reason)")
  }

  static func missingColumn(file: String, column: String) -> LoadError {
    LoadError(
      code: .missingColumn, file: file, line: 1, column: column,
      message: "missing required column '\(column)'")
  }

  static func missingFile(file: String) -> LoadError {
    LoadError(code: .missingFile, file: file, message: "required file not found")
  }

  /// Several required files missing from `folder`: `data: required files not found:
  /// influencers.csv, posts.csv, tracking_data.csv, payouts.csv`.
  static func missingFiles(folder: String, names: [String]) -> LoadError {
    LoadError(
      code: .missingFile, file: folder,
      message: "required files not found: \(names.joined(separator: ", "))")
  }

  static func missingFolder(folder: String) -> LoadError {
    LoadError(code: .missingFile, file: folder, message: "no such data folder")
  }

  static func secondHeader(file: String, line: Int) -> LoadError {
    LoadError(
      code: .badValue, file: file, line: line,
      message: "a second header row; were two files joined?")
  }

  /// `text` as quoted in a one-line message: line breaks as `\n` / `\r`, invisible characters
  /// as `\u{FEFF}` (a value that looks right but is not), and at most `limit` characters (then
  /// `…`).
  static func shown(_ text: String, limit: Int = 80) -> String {
    var out = ""
    var count = 0
    for c in text {
      if count == limit {
        out += "…"
        break
      }
      switch c {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\r\n": out += "\\r\\n"
      default:
        if c.unicodeScalars.count == 1, let scalar = c.unicodeScalars.first,
          String.isInvisible(scalar)
        {
          out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
          out.append(c)
        }
      }
      count += 1
    }
    return out
  }

  static func textAfterQuote(file: String, line: Int, column: String?) -> LoadError {
    LoadError(
      code: .badValue, file: file, line: line, column: column,
      message: (column.map { "column '\($0)': " } ?? "") + "unexpected text after closing quote")
  }

  static func unterminatedQuote(file: String, line: Int, column: String?) -> LoadError {
    LoadError(
      code: .unterminatedQuote, file: file, line: line, column: column,
      message: (column.map { "column '\($0)': " } ?? "") + "unterminated quote")
  }

  static func wrongFieldCount(file: String, line: Int, expected: Int, found: Int) -> LoadError {
    LoadError(
      code: .wrongFieldCount, file: file, line: line,
      message: "expected \(expected) field\(expected == 1 ? "" : "s"), found \(found)")
  }
}
