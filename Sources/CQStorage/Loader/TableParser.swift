/// The values of one bound column, as they are being built.
struct ColumnBuilder {
  let name: String
  let kind: ValueKind
  /// The field's position in the file's records.
  let field: Int
  /// Index into the loader's dictionaries (string kinds only).
  let dictionary: Int
  var codes: ContiguousArray<Int32> = []
  var numbers: ContiguousArray<Int64> = []
  var days: ContiguousArray<Int32> = []
  /// Dictionary codes of `.choice` words, filled on first use.
  var choiceCodes: [Int32?] = []
  /// Mapped room ahead of the values.
  var prefault = PrefaultCursor()

  /// Maps the room ahead of the column's arrays a window at a time (see `Prefault`).
  mutating func prefaultAhead() {
    switch kind {
    case .key, .shared, .local, .choice: prefault.advance(&codes)
    case .integer, .money, .decimal: prefault.advance(&numbers)
    case .date: prefault.advance(&days)
    case .text: break
    }
  }
}

/// One parsed CSV file, its strings still codes into the loader's dictionaries.
struct ParsedTable {
  var schema: TableSchema
  var path: String
  /// Kept columns in file order.
  var columns: [ColumnBuilder]
  var rowCount = 0
  /// Each row's line number when `schema.keepsLines`.
  var lines: ContiguousArray<Int> = []
  /// Notes for `DataSet.warnings` (extra columns).
  var notes: [String] = []
  /// Fields per record, and the file's size and modification time (for text read back later).
  var width = 0
  var fileSize = 0
  var modified = TextFileRows.Modified(seconds: 0, nanoseconds: 0)
  /// Where each parsed batch starts (row, byte offset), kept when the table has text columns.
  var anchorRows: ContiguousArray<Int64> = []
  var anchorOffsets: ContiguousArray<Int64> = []
  var hasText: Bool { columns.contains { if case .text = $0.kind { true } else { false } } }

  func column(_ name: String) -> ColumnBuilder? { columns.first { $0.name == name } }
}

/// A value that failed its column's check: `row` is relative to the batch.
struct ConversionFailure {
  enum Reason {
    case badValue
    case duplicate(firstRow: Int)
  }
  var row: Int
  var column: Int
  var reason: Reason
}

/// Parses one CSV file into typed columns (SPEC §1).
///
/// Records are tokenized in batches, each batch is checked for UTF-8, then converted column by
/// column; the first failure in file order (row, then column) is reported.
enum TableParser {
  /// Records tokenized, then converted, at a time.
  static let batchRows = 1024
  /// Rows hashed and touched at once before a large dictionary looks them up.
  static let prefetchBlock = 256
  /// Dictionaries with more values than this are looked up a prefetched block at a time.
  static let prefetchMinimum = 16_384

  /// Files with at least this many body bytes are parsed as two chunks on two threads.
  static let defaultChunkThreshold = 8 << 20

  /// Parses `file` (read from `path`) against `schema`, interning strings into `dictionaries`
  /// (the shared domains first, in `Domain` order; local dictionaries are appended).
  ///
  /// A large file is cut in two at a record boundary and the halves are parsed at once, the
  /// second with snapshots of the dictionaries that are merged back in file order, so codes
  /// come out exactly as a sequential parse gives them.
  /// - Complexity: O(*n*) in the file's bytes; one `String` per header name, none per field.
  static func parse(
    _ schema: TableSchema, path: String, file: MappedFile, dictionaries: inout [ByteDictionary],
    chunkThreshold: Int = defaultChunkThreshold
  ) throws(LoadError) -> ParsedTable {
    // Records ending in a bare CR (classic Mac): parse a copy with LF endings instead.
    if let copy = file.withBareCRsAsLF() {
      return try parse(
        schema, path: path, file: copy, dictionaries: &dictionaries,
        chunkThreshold: chunkThreshold)
    }
    // A header field holding a line break the tokenizer does not end records at (U+2028, a
    // lone CR past the first record...): with no rows read, the data ran into the header.
    var headerBreak: Unicode.Scalar?
    let parsed = try file.withBytes { (p, n) throws(LoadError) -> ParsedTable? in
      var start = 0
      if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { start = 3 }
      var tokenizer = CSVTokenizer(bytes: p, start: start, end: n)
      let headerStart: Int = {
        var t = tokenizer
        t.skipBlankLines()
        return t.position
      }()
      guard let header = tokenizer.header() else { throw LoadError.emptyFile(file: path) }
      let headerLine = FieldParsing.line(at: headerStart, in: p)
      let fields: [String]
      switch header {
      case .success(let f): fields = f
      case .failure(let failure):
        throw error(for: failure, path: path, names: [], p: p)
      }
      if let bad = FieldParsing.firstInvalidUTF8(p, headerStart, tokenizer.position) {
        throw LoadError.invalidUTF8(file: path, line: FieldParsing.line(at: bad, in: p))
      }
      headerBreak = fields.lazy.compactMap { $0.unicodeScalars.first(where: \.isLineBreak) }.first
      let written = fields.map(\.headerName)
      let names = written.map { $0.lowercased() }
      var table = try bind(
        schema, path: path, written: written, names: names, line: headerLine,
        dictionaries: &dictionaries)
      table.width = names.count
      table.fileSize = n
      table.modified = .init(seconds: file.modified.seconds, nanoseconds: file.modified.nanoseconds)
      let body = tokenizer.position

      if !schema.keepsLines && n - body >= chunkThreshold,
        let boundary = quickSplitPoint(p, body, n, width: names.count) ?? splitPoint(p, body, n)
      {
        let used = Set(table.columns.map(\.dictionary)).filter { $0 >= 0 }
        let bases = dictionaries.map(\.count)
        let main = dictionaries
        var secondDictionaries = dictionaries
        for d in used { secondDictionaries[d] = dictionaries[d].copy() }
        var first = table
        var second = table
        var firstFailure: LoadError?
        var secondFailure: LoadError?
        runConcurrently(
          {
            do throws(LoadError) {
              // The first chunk reserves room for the whole file: the second is appended to it.
              try parseChunk(
                &first, p: p, start: body, end: boundary, names: names, dictionaries: main,
                reserveBytes: n - body, file: file)
            } catch { firstFailure = error }
          },
          {
            do throws(LoadError) {
              try parseChunk(
                &second, p: p, start: boundary, end: n, names: names,
                dictionaries: secondDictionaries,
                reserveBytes: n - boundary, file: file)
            } catch { secondFailure = error }
          })
        if firstFailure != nil {
          // The cut may have caused it (a quoted field holding line breaks can fool the
          // boundary search): undo and parse the whole file again, in one piece, from a fresh
          // mapping.
          for d in used { dictionaries[d].truncate(to: bases[d]) }
          return nil
        }
        if let secondFailure { throw secondFailure }
        merge(
          &second, into: &first, dictionaries: dictionaries, snapshots: &secondDictionaries,
          used: used, bases: bases)
        return first
      }
      try parseChunk(
        &table, p: p, start: body, end: n, names: names, dictionaries: dictionaries,
        reserveBytes: n - body, file: file)
      return table
    }
    if let parsed {
      // Never a silent empty table: data after the header that was not read as rows.
      if parsed.rowCount == 0, let headerBreak {
        throw LoadError.headerHoldsLineBreak(file: path, character: headerBreak)
      }
      return parsed
    }
    let fresh: MappedFile
    do throws(MappedFile.OpenFailure) {
      fresh = try MappedFile(path: path)
    } catch {
      switch error {
      case .notFound: throw LoadError.missingFile(file: path)
      case .failed(let reason): throw LoadError.io(file: path, reason: reason)
      }
    }
    return try parse(
      schema, path: path, file: fresh, dictionaries: &dictionaries, chunkThreshold: .max)
  }

  /// A record boundary near the middle of `start..<end`: just after the first LF past the
  /// middle that has an even number of quotes before it; `nil` when there is none.
  ///
  /// The count is a guess for files with stray quotes in unquoted fields; the caller checks the
  /// first chunk ends cleanly there and parses in one piece otherwise. Used only when
  /// `quickSplitPoint` finds no cut, as it reads the whole first half.
  /// - Complexity: O(*n*) in the bytes before the middle (eight at a time).
  static func splitPoint(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    let middle = start + (end - start) / 2
    var quotes = 0
    var i = start
    let raw = UnsafeRawPointer(p)
    while i + 8 <= middle {
      let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x2222_2222_2222_2222
      // Exact zero-byte flags: 0x80 in each byte of `x` that is zero (a quote in the input).
      let flags =
        ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x | 0x7F7F_7F7F_7F7F_7F7F)
      quotes &+= flags.nonzeroBitCount
      i += 8
    }
    while i < middle {
      if p[i] == CSVTokenizer.quote { quotes += 1 }
      i += 1
    }
    while i < end {
      let b = p[i]
      if b == CSVTokenizer.quote {
        quotes += 1
      } else if b == CSVTokenizer.lf && quotes & 1 == 0 {
        return i + 1 < end ? i + 1 : nil
      }
      i += 1
    }
    return nil
  }

  /// Merges the second chunk's new dictionary values into `dictionaries` and appends its rows
  /// to `first`, mapping its new codes into the merged ones, on two threads.
  ///
  /// The merge runs on one thread while the other appends the columns that need no code map
  /// (text, numbers, dates, codes of dictionaries without new values); then the columns whose
  /// codes need the map are appended and mapped, split between the threads. Columns go to
  /// threads by size, largest first. Each of the second chunk's columns and dictionaries is let
  /// go as soon as it is merged, so the chunk is never held twice.
  /// - Complexity: O(*rows* × *columns*) of the second chunk, plus O(*m*) in its new values.
  private static func merge(
    _ second: inout ParsedTable, into first: inout ParsedTable, dictionaries: [ByteDictionary],
    snapshots: inout [ByteDictionary], used: Set<Int>, bases: [Int]
  ) {
    var maps: [Int: ContiguousArray<Int32>] = [:]
    var mergeCost = 0
    for d in used { mergeCost += (snapshots[d].count - bases[d]) * 64 }
    // Columns whose codes need the merged dictionary's map wait for the merge; the rest (text,
    // numbers, dates, and codes of dictionaries the second chunk added nothing to) do not.
    func needsMap(_ c: Int) -> Bool {
      let d = first.columns[c].dictionary
      return d >= 0 && snapshots[d].count > bases[d]
    }
    let coded = first.columns.indices.filter { needsMap($0) }
    let plain = first.columns.indices.filter { !needsMap($0) }
    func cost(_ c: Int) -> Int {
      let other = second.columns[c]
      switch other.kind {
      case .key, .shared, .local, .choice: return other.codes.count * 4
      case .integer, .money, .decimal: return other.numbers.count * 8
      case .date: return other.days.count * 4
      case .text: return 0
      }
    }
    /// Columns split into two lists of about equal cost, the first list starting at `head`.
    func balance(_ columns: [Int], head: Int) -> ([Int], [Int]) {
      var loads = (head, 0)
      var lists: ([Int], [Int]) = ([], [])
      for c in columns.sorted(by: { cost($0) > cost($1) }) {
        if loads.0 <= loads.1 {
          lists.0.append(c)
          loads.0 += cost(c)
        } else {
          lists.1.append(c)
          loads.1 += cost(c)
        }
      }
      return lists
    }
    let (plainA, plainB) = balance(plain, head: mergeCost)
    let (codedA, codedB) = balance(coded, head: 0)
    // Each thread works on its own columns, through the buffers, and empties the second
    // chunk's copy of a column once it is appended.
    var columns = first.columns
    first.columns = []
    var others = second.columns
    second.columns = []
    let rows = second.rowCount
    columns.withUnsafeMutableBufferPointer { columns in
      others.withUnsafeMutableBufferPointer { others in
        // `maps` is read only once the merge is done (`mapped`), never while it is written.
        func appendAll(_ list: [Int], mapped: Bool) {
          for c in list {
            let d = columns[c].dictionary
            append(
              others[c], to: &columns[c], map: mapped ? maps[d] ?? [] : [],
              base: mapped ? Int32(bases[d]) : 0)
            others[c] = ColumnBuilder(name: "", kind: .text, field: 0, dictionary: -1)
          }
        }
        runConcurrently(
          {
            for d in used.sorted() {
              maps[d] = dictionaries[d].merge(snapshots[d], base: bases[d])
              snapshots[d] = ByteDictionary()
            }
            appendAll(plainA, mapped: false)
          },
          { appendAll(plainB, mapped: false) })
        runConcurrently({ appendAll(codedA, mapped: true) }, { appendAll(codedB, mapped: true) })
      }
    }
    first.columns = columns
    let shift = Int64(first.rowCount)
    first.anchorRows.append(contentsOf: second.anchorRows.lazy.map { $0 + shift })
    first.anchorOffsets.append(contentsOf: second.anchorOffsets)
    first.rowCount += rows
  }

  /// Appends a later chunk's column, mapping its codes from `base` on through `map`.
  ///
  /// - Complexity: O(*rows*) of the later chunk.
  private static func append(
    _ other: ColumnBuilder, to column: inout ColumnBuilder, map: ContiguousArray<Int32>,
    base: Int32
  ) {
    switch other.kind {
    case .key, .shared, .local, .choice:
      let old = column.codes.count
      Prefault.populate(&column.codes, room: other.codes.count)
      column.codes.append(contentsOf: other.codes)
      guard !map.isEmpty else { return }
      map.withUnsafeBufferPointer { m in
        column.codes.withUnsafeMutableBufferPointer { codes in
          for k in old..<codes.count where codes[k] >= base { codes[k] = m[Int(codes[k] - base)] }
        }
      }
    case .integer, .money, .decimal:
      Prefault.populate(&column.numbers, room: other.numbers.count)
      column.numbers.append(contentsOf: other.numbers)
    case .date:
      Prefault.populate(&column.days, room: other.days.count)
      column.days.append(contentsOf: other.days)
    case .text: break
    }
  }

  /// A record boundary near the middle of `start..<end` found without reading the bytes before
  /// it: just after the first LF past the middle that the next few records of `width` fields
  /// follow cleanly; `nil` when no LF within a few lines qualifies.
  ///
  /// An LF inside a quoted field that spans lines can still pass; the caller parses the first
  /// chunk up to the cut, which then fails on an unterminated quote, and parses the file in one
  /// piece instead.
  /// - Complexity: O(*k*) in the bytes of the few records after the middle.
  static func quickSplitPoint(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, width: Int)
    -> Int?
  {
    let probe = RecordBatch(width: width, capacity: 4)
    var i = start + (end - start) / 2
    for _ in 0..<64 {
      while i < end && p[i] != CSVTokenizer.lf { i += 1 }
      i += 1
      guard i < end else { return nil }
      var tokenizer = CSVTokenizer(bytes: p, start: i, end: end)
      probe.removeAll()
      if tokenizer.fill(probe) == nil && (probe.rowCount == probe.capacity || tokenizer.atEnd) {
        return i
      }
    }
    return nil
  }

  /// Parses the records in `start..<end` (which must begin at a record) into `table`.
  private static func parseChunk(
    _ table: inout ParsedTable, p: UnsafePointer<UInt8>, start: Int, end: Int, names: [String],
    dictionaries: [ByteDictionary], reserveBytes: Int, file: MappedFile
  ) throws(LoadError) {
    let path = table.path
    // Pages behind the parser are let go in steps of this many bytes.
    let discardStep = 8 << 20
    var discarded = start
    var tokenizer = CSVTokenizer(bytes: p, start: start, end: end)
    let batch = RecordBatch(width: names.count, capacity: batchRows)
    let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: batchRows)
    let memos = table.columns.map { _ in CodeMemo() }
    defer { hashes.deallocate() }
    var lineCursor = (offset: 0, line: 1)
    let hasText = table.hasText
    // A table of text columns only (products.csv) would take a repeated header row as data:
    // its rows are compared with the header. (Elsewhere the row fails a number, date or choice
    // column, and the failure is checked.)
    let checksEveryRow = !table.columns.contains { $0.kind.rejectsHeaderNames }
    while true {
      batch.removeAll()
      let failure = tokenizer.fill(batch)
      var rows = batch.rowCount
      if checksEveryRow {
        for r in 0..<rows where isHeader(batch, row: r, names: names, p: p) {
          throw LoadError.secondHeader(
            file: path, line: FieldParsing.line(at: batch.recordStarts[r], in: p))
        }
      }
      var badUTF8Row: Int?
      if rows > 0, batch.mayHoldNonASCII,
        let bad = FieldParsing.firstInvalidUTF8(p, batch.byteStart, batch.byteEnd)
      {
        // The record holding the bad byte: the last one starting at or before it.
        var r = rows - 1
        while r > 0 && batch.recordStarts[r] > bad { r -= 1 }
        rows = r
        badUTF8Row = r
      }
      if table.rowCount == 0 && rows > 0 {
        reserve(&table, batch: batch, rows: rows, bytes: reserveBytes)
      }
      if rows > 0 && hasText {
        table.anchorRows.append(Int64(table.rowCount))
        table.anchorOffsets.append(Int64(batch.recordStarts[0]))
      }
      if table.schema.keepsLines {
        for r in 0..<rows {
          let target = batch.recordStarts[r]
          var i = lineCursor.offset
          var line = lineCursor.line
          while i < target {
            if p[i] == CSVTokenizer.lf { line += 1 }
            i += 1
          }
          lineCursor = (target, line)
          table.lines.append(line)
        }
      }
      if let f = convert(
        &table, batch: batch, rows: rows, p: p, dictionaries: dictionaries, hashes: hashes,
        memos: memos)
      {
        let line = FieldParsing.line(at: batch.recordStarts[f.row], in: p)
        if isHeader(batch, row: f.row, names: names, p: p) {
          throw LoadError.secondHeader(file: path, line: line)
        }
        let column = table.columns[f.column]
        let value = batch.field(row: f.row, column.field, in: p)
        let text = FieldParsing.string(value.bytes, 0, value.count)
        switch f.reason {
        case .badValue:
          throw LoadError.badValue(
            file: path, line: line, column: column.name,
            expected: column.kind.expected(rejecting: text), found: text
          )
        case .duplicate(let firstRow):
          let firstLine = firstRow < table.lines.count ? table.lines[firstRow] : 0
          throw LoadError.duplicateInfluencer(
            file: path, line: line, id: text, firstLine: firstLine)
        }
      }
      if let r = badUTF8Row {
        throw invalidUTF8(batch: batch, row: r, p: p, names: names, path: path)
      }
      table.rowCount += rows
      if let failure { throw error(for: failure, path: path, names: names, p: p) }
      for c in table.columns.indices { table.columns[c].prefaultAhead() }
      if batch.byteEnd - discarded >= discardStep {
        file.discard(discarded..<batch.byteEnd)
        discarded = batch.byteEnd
      }
      if tokenizer.atEnd { break }
    }
  }

  /// Whether record `r` of `batch` repeats the header: each field, read as a column name
  /// (`String.headerName`: spaces, quotes and invisible characters such as a byte-order mark
  /// trimmed), is the header's name, ignoring case.
  /// - Complexity: O(*b*) in the record's bytes; the first field's length rules most rows out
  ///   without decoding anything.
  private static func isHeader(
    _ batch: RecordBatch, row r: Int, names: [String], p: UnsafePointer<UInt8>
  ) -> Bool {
    guard let first = names.first, batch.width == names.count else { return false }
    // A name may be padded by a BOM (3 bytes), spaces and quotes: allow a little slack.
    let firstField = batch.field(row: r, 0, in: p)
    guard firstField.count >= first.utf8.count, firstField.count <= first.utf8.count + 16 else {
      return false
    }
    for f in 0..<names.count {
      let field = batch.field(row: r, f, in: p)
      if FieldParsing.string(field.bytes, 0, field.count).headerName.lowercased() != names[f] {
        return false
      }
    }
    return true
  }

  /// Matches header names to the schema's columns.
  private static func bind(
    _ schema: TableSchema, path: String, written: [String], names: [String], line: Int,
    dictionaries: inout [ByteDictionary]
  ) throws(LoadError) -> ParsedTable {
    var columns: [ColumnBuilder] = []
    for spec in schema.columns {
      let matches = names.indices.filter { names[$0] == spec.name }
      if matches.count > 1 {
        throw LoadError(
          code: .badValue, file: path, line: line, column: spec.name,
          message: "column '\(spec.name)' appears \(matches.count) times in the header")
      }
      guard let field = matches.first else {
        if spec.required { throw LoadError.missingColumn(file: path, column: spec.name) }
        continue
      }
      var dictionary = -1
      switch spec.kind {
      case .key(let d), .shared(let d): dictionary = d.rawValue
      case .local, .choice:
        dictionary = dictionaries.count
        dictionaries.append(ByteDictionary())
      default: break
      }
      var builder = ColumnBuilder(
        name: spec.name, kind: spec.kind, field: field, dictionary: dictionary)
      if case .choice(let words) = spec.kind {
        builder.choiceCodes = Array(repeating: nil, count: words.count)
      }
      columns.append(builder)
    }
    columns.sort { $0.field < $1.field }
    var table = ParsedTable(schema: schema, path: path, columns: columns)
    let known = Set(schema.columns.map(\.name))
    let extra = names.indices.filter { !known.contains(names[$0]) }.map { "'\(written[$0])'" }
    if !extra.isEmpty {
      table.notes.append(
        "\(schema.fileName): ignoring extra column\(extra.count == 1 ? "" : "s") \(extra.joined(separator: ", "))"
      )
    }
    return table
  }

  /// Reserves column capacity from the first batch's bytes per row.
  private static func reserve(
    _ table: inout ParsedTable, batch: RecordBatch, rows: Int, bytes total: Int
  ) {
    let bytes = max(1, batch.byteEnd - batch.byteStart)
    let scale = Double(total) / Double(bytes) * 1.05
    let estimate = min(Int(scale * Double(rows)) + 16, 1 << 31)
    for c in table.columns.indices {
      switch table.columns[c].kind {
      case .key, .shared, .local, .choice:
        table.columns[c].codes.reserveCapacity(estimate)
      case .integer, .money, .decimal:
        table.columns[c].numbers.reserveCapacity(estimate)
      case .date:
        table.columns[c].days.reserveCapacity(estimate)
      case .text: break
      }
    }
  }

  /// Converts the first `rows` records of `batch`; returns the first failure in file order.
  ///
  /// - Complexity: O(*rows* × *columns*); values are written through pointers into columns
  ///   grown once per batch.
  private static func convert(
    _ table: inout ParsedTable, batch: RecordBatch, rows: Int, p: UnsafePointer<UInt8>,
    dictionaries: [ByteDictionary], hashes: UnsafeMutablePointer<UInt64>, memos: [CodeMemo]
  ) -> ConversionFailure? {
    var limit = rows
    var failure: ConversionFailure?
    let rowBase = table.rowCount
    let stride = 2 * batch.width
    for c in table.columns.indices {
      guard limit > 0 else { break }
      var column = table.columns[c]
      table.columns[c] = ColumnBuilder(name: "", kind: .text, field: 0, dictionary: -1)
      let at = UnsafePointer(batch.spans + 2 * column.field)
      var bad: Int?
      switch column.kind {
      case .key, .shared, .local:
        let dictionary = dictionaries[column.dictionary]
        var isKey = false
        if case .key = column.kind { isKey = true }
        let old = column.codes.count
        column.codes.append(contentsOf: repeatElement(0, count: limit))
        // A dictionary too big for the cache: hash and touch a block of rows first, so the
        // cache misses overlap instead of stalling one lookup at a time.
        let prefetching = dictionary.count > prefetchMinimum
        column.codes.withUnsafeMutableBufferPointer { buffer in
          guard let out = buffer.baseAddress.map({ $0 + old }) else { return }
          // A few repeated values: through the column's memo.
          if !isKey && dictionary.count <= 64 {
            let memo = memos[c]
            for r in 0..<limit {
              let v = batch.field(at[r * stride], at[r * stride + 1], in: p)
              out[r] = memo.code(v.bytes, v.count, in: dictionary)
            }
            return
          }
          var blockStart = 0
          while blockStart < limit {
            let blockEnd = min(blockStart + prefetchBlock, limit)
            if prefetching {
              for r in blockStart..<blockEnd {
                let v = batch.field(at[r * stride], at[r * stride + 1], in: p)
                hashes[r - blockStart] = ByteDictionary.hash(v.bytes, v.count)
              }
              dictionary.prefetch(hashes, count: blockEnd - blockStart)
            }
            for r in blockStart..<blockEnd {
              let v = batch.field(at[r * stride], at[r * stride + 1], in: p)
              if isKey && v.count == 0 {
                bad = r
                failure = ConversionFailure(row: r, column: c, reason: .badValue)
                return
              }
              let code =
                prefetching
                ? dictionary.intern(v.bytes, v.count, hash: hashes[r - blockStart])
                : dictionary.intern(v.bytes, v.count)
              if isKey && Int(code) != rowBase + r {
                bad = r
                failure = ConversionFailure(
                  row: r, column: c, reason: .duplicate(firstRow: Int(code)))
                return
              }
              out[r] = code
            }
            blockStart = blockEnd
          }
        }
      case .choice(let words):
        let lowered = words.map { Array($0.utf8) }
        let dictionary = dictionaries[column.dictionary]
        for r in 0..<limit {
          let v = batch.field(at[r * stride], at[r * stride + 1], in: p)
          guard
            let w = lowered.firstIndex(where: {
              FieldParsing.equalsIgnoringCase(v.bytes, 0, v.count, $0)
            })
          else {
            bad = r
            break
          }
          let code = column.choiceCodes[w] ?? dictionary.intern(words[w])
          column.choiceCodes[w] = code
          column.codes.append(code)
        }
      case .text:
        // Not held: read back from the file when shown (`TextFileRows`).
        break
      case .integer, .money, .decimal:
        let isCount: Bool
        if case .integer = column.kind { isCount = true } else { isCount = false }
        let old = column.numbers.count
        column.numbers.append(contentsOf: repeatElement(0, count: limit))
        column.numbers.withUnsafeMutableBufferPointer { buffer in
          guard let out = buffer.baseAddress.map({ $0 + old }) else { return }
          for r in 0..<limit {
            let f = batch.field(at[r * stride], at[r * stride + 1], in: p)
            guard
              let v = isCount
                ? FieldParsing.count(f.bytes, 0, f.count)
                : FieldParsing.hundredths(f.bytes, 0, f.count)
            else {
              bad = r
              break
            }
            out[r] = v
          }
        }
      case .date:
        let old = column.days.count
        column.days.append(contentsOf: repeatElement(0, count: limit))
        column.days.withUnsafeMutableBufferPointer { buffer in
          guard let out = buffer.baseAddress.map({ $0 + old }) else { return }
          // Files hold few distinct dates, mostly in runs: the last valid 10-byte field and its
          // day number are kept, and a field with the same bytes reuses it.
          var lastHead: UInt64 = 0
          var lastTail: UInt16 = 0
          var lastDay: Int32?
          for r in 0..<limit {
            let f = batch.field(at[r * stride], at[r * stride + 1], in: p)
            if f.count == 10 {
              let raw = UnsafeRawPointer(f.bytes)
              let head = raw.loadUnaligned(as: UInt64.self)
              let tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
              if let day = lastDay, head == lastHead, tail == lastTail {
                out[r] = day
                continue
              }
              guard let v = FieldParsing.day(f.bytes, 0, f.count) else {
                bad = r
                break
              }
              (lastHead, lastTail, lastDay) = (head, tail, v)
              out[r] = v
              continue
            }
            guard let v = FieldParsing.day(f.bytes, 0, f.count) else {
              bad = r
              break
            }
            out[r] = v
          }
        }
      }
      table.columns[c] = column
      if let r = bad {
        if failure?.row != r || failure?.column != c {
          failure = ConversionFailure(row: r, column: c, reason: .badValue)
        }
        limit = r
      }
    }
    return failure
  }

  /// The error for invalid UTF-8 in row `r` of `batch`: the first field holding a bad byte, as
  /// `column 'NAME': expected UTF-8 text, found "TEXT"` (bad bytes shown as U+FFFD).
  /// - Complexity: O(*b*) in the bytes of the record.
  private static func invalidUTF8(
    batch: RecordBatch, row r: Int, p: UnsafePointer<UInt8>, names: [String], path: String
  ) -> LoadError {
    let line = FieldParsing.line(at: batch.recordStarts[r], in: p)
    for f in 0..<min(names.count, batch.width) {
      let field = batch.field(row: r, f, in: p)
      if !FieldParsing.isValidUTF8(field.bytes, 0, field.count) {
        return .badValue(
          file: path, line: line, column: names[f], expected: "UTF-8 text",
          found: FieldParsing.string(field.bytes, 0, field.count), code: .invalidUTF8)
      }
    }
    return .invalidUTF8(file: path, line: line)
  }

  /// The error for a tokenizer failure.
  private static func error(
    for failure: TokenizeFailure, path: String, names: [String], p: UnsafePointer<UInt8>
  ) -> LoadError {
    func name(_ field: Int) -> String? { field < names.count ? names[field] : nil }
    switch failure {
    case .unterminatedQuote(let offset, let field):
      return .unterminatedQuote(
        file: path, line: FieldParsing.line(at: offset, in: p), column: name(field))
    case .textAfterQuote(let start, let field):
      return .textAfterQuote(
        file: path, line: FieldParsing.line(at: start, in: p), column: name(field))
    case .wrongFieldCount(let start, let found):
      return .wrongFieldCount(
        file: path, line: FieldParsing.line(at: start, in: p), expected: names.count, found: found)
    }
  }
}

extension Unicode.Scalar {
  /// A line break of any convention: LF, VT, FF, CR, NEL, U+2028, U+2029.
  var isLineBreak: Bool {
    switch value {
    case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
    default: false
    }
  }
}
