/// Where one block lies in a cache file, and its `CacheHash`.
struct BlockRef: Equatable, Sendable {
  var offset: Int
  var count: Int
  var hash: UInt64

  func encode(into e: inout CacheEncoder) {
    e.int(offset)
    e.int(count)
    e.u64(hash)
  }

  static func decode(_ d: inout CacheDecoder) throws(CacheRejection) -> BlockRef {
    BlockRef(offset: try d.count(), count: try d.count(), hash: try d.u64())
  }
}

/// The stored kind of a column.
enum StoredKind: UInt8 {
  case string = 0
  case integer, money, decimal, date, text
  /// Text read back from its CSV file: one `Int64` block, `field, width, k`, then `k` anchor
  /// rows and `k` anchor offsets (see `TextFileRows`).
  case textFile
}

/// A dictionary: its value count, UTF-8 blob and `count + 1` `UInt32` offsets.
struct StoredDictionary<Block> {
  var count: Int
  var blob: Block
  var offsets: Block
}

/// A column: its blocks are the codes (string; `dictionary` is an index into the contents'
/// dictionaries, 0 for other kinds), the values (numbers, dates),
/// the text bytes then the `Int64` offsets (text), or the anchors of text read from its file.
struct StoredColumn<Block> {
  var name: String
  var kind: StoredKind
  var dictionary: Int
  var blocks: [Block]
}

struct StoredTable<Block> {
  var name: String
  var rowCount: Int
  var columns: [StoredColumn<Block>]
}

/// The table of contents at the end of a cache file; `Block` is a `BlockRef` once laid out
/// (the writer plans with block numbers first).
struct CacheContents<Block> {
  var sources: [SourceFingerprint]
  var warnings: [String]
  var dictionaries: [StoredDictionary<Block>]
  var tables: [StoredTable<Block>]

  /// The same contents with every block replaced by `transform(block)`.
  func map<Other>(_ transform: (Block) -> Other) -> CacheContents<Other> {
    CacheContents<Other>(
      sources: sources, warnings: warnings,
      dictionaries: dictionaries.map {
        StoredDictionary(count: $0.count, blob: transform($0.blob), offsets: transform($0.offsets))
      },
      tables: tables.map { table in
        StoredTable(
          name: table.name, rowCount: table.rowCount,
          columns: table.columns.map { c in
            StoredColumn(
              name: c.name, kind: c.kind, dictionary: c.dictionary, blocks: c.blocks.map(transform))
          })
      })
  }
}

extension CacheContents where Block == BlockRef {
  func encoded() -> [UInt8] {
    var e = CacheEncoder()
    e.int(sources.count)
    for f in sources { f.encode(into: &e) }
    e.int(warnings.count)
    for w in warnings { e.string(w) }
    e.int(dictionaries.count)
    for d in dictionaries {
      e.int(d.count)
      d.blob.encode(into: &e)
      d.offsets.encode(into: &e)
    }
    e.int(tables.count)
    for t in tables {
      e.string(t.name)
      e.int(t.rowCount)
      e.int(t.columns.count)
      for c in t.columns {
        e.string(c.name)
        e.u8(c.kind.rawValue)
        e.int(c.dictionary)
        e.int(c.blocks.count)
        for b in c.blocks { b.encode(into: &e) }
      }
    }
    return e.bytes
  }

  /// Decodes a table of contents; only its structure is checked here (block bounds and sizes
  /// are checked against the file by the reader).
  init(decoding bytes: [UInt8]) throws(CacheRejection) {
    var d = CacheDecoder(bytes)
    sources = []
    for _ in 0..<(try d.count()) { sources.append(try SourceFingerprint.decode(&d)) }
    warnings = []
    for _ in 0..<(try d.count()) { warnings.append(try d.string()) }
    dictionaries = []
    for _ in 0..<(try d.count()) {
      dictionaries.append(
        StoredDictionary(
          count: try d.count(), blob: try BlockRef.decode(&d), offsets: try BlockRef.decode(&d)))
    }
    tables = []
    for _ in 0..<(try d.count()) {
      let name = try d.string()
      let rowCount = try d.count()
      var columns: [StoredColumn<BlockRef>] = []
      for _ in 0..<(try d.count()) {
        let columnName = try d.string()
        guard let kind = StoredKind(rawValue: try d.u8()) else {
          throw CacheRejection("unknown column kind")
        }
        let dictionary = try d.count()
        var blocks: [BlockRef] = []
        for _ in 0..<(try d.count()) { blocks.append(try BlockRef.decode(&d)) }
        guard blocks.count == (kind == .text ? 2 : 1) else {
          throw CacheRejection("column '\(columnName)' has \(blocks.count) blocks")
        }
        columns.append(
          StoredColumn(name: columnName, kind: kind, dictionary: dictionary, blocks: blocks))
      }
      tables.append(StoredTable(name: name, rowCount: rowCount, columns: columns))
    }
    guard d.isAtEnd else { throw CacheRejection("table of contents has extra bytes") }
  }
}

/// The fixed-size header at the start of a cache file.
///
/// Magic `CQCACHE\0`, format version (u32), byte-order mark (u32), file length, table of
/// contents offset, length and hash, a hash of the 48 bytes so far, 8 zero bytes.
struct CacheHeader: Equatable {
  static let size = 64
  static let magic: [UInt8] = Array("CQCACHE\0".utf8)
  static let byteOrderMark: UInt32 = 0x0102_0304

  var fileLength: Int
  var contentsOffset: Int
  var contentsLength: Int
  var contentsHash: UInt64

  init(fileLength: Int, contentsOffset: Int, contentsLength: Int, contentsHash: UInt64) {
    self.fileLength = fileLength
    self.contentsOffset = contentsOffset
    self.contentsLength = contentsLength
    self.contentsHash = contentsHash
  }

  func encoded() -> [UInt8] {
    var e = CacheEncoder()
    for b in Self.magic { e.u8(b) }
    e.u32(DataCache.formatVersion)
    e.u32(Self.byteOrderMark)
    e.int(fileLength)
    e.int(contentsOffset)
    e.int(contentsLength)
    e.u64(contentsHash)
    e.u64(e.bytes.withUnsafeBytes { CacheHash.of($0) })
    e.u64(0)
    return e.bytes
  }

  /// Decodes and checks a header: magic, version, byte order, its own hash.
  init(decoding bytes: [UInt8]) throws(CacheRejection) {
    guard bytes.count == Self.size else { throw CacheRejection("file is short") }
    guard Array(bytes[0..<Self.magic.count]) == Self.magic else {
      throw CacheRejection("bad magic")
    }
    var d = CacheDecoder(Array(bytes[Self.magic.count...]))
    let version = try d.u32()
    guard version == DataCache.formatVersion else {
      throw CacheRejection("format version \(version), this cq writes \(DataCache.formatVersion)")
    }
    guard try d.u32() == Self.byteOrderMark else { throw CacheRejection("bad byte order") }
    fileLength = try d.count()
    contentsOffset = try d.count()
    contentsLength = try d.count()
    contentsHash = try d.u64()
    let hash = try d.u64()
    let reserved = try d.u64()
    guard hash == bytes[0..<48].withUnsafeBytes({ CacheHash.of($0) }), reserved == 0 else {
      throw CacheRejection("header checksum mismatch")
    }
  }
}
