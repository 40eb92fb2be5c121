import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where one block of bytes lies in a cache file, and its `CacheHash`.
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
}

/// An array to be written as one block.
private enum BlockSource {
  case int32(ContiguousArray<Int32>)
  case int64(ContiguousArray<Int64>)
  case uint32(ContiguousArray<UInt32>)
  case bytes(ContiguousArray<UInt8>)

  var byteCount: Int {
    switch self {
    case .int32(let a): a.count * 4
    case .int64(let a): a.count * 8
    case .uint32(let a): a.count * 4
    case .bytes(let a): a.count
    }
  }

  func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    switch self {
    case .int32(let a): a.withUnsafeBytes(body)
    case .int64(let a): a.withUnsafeBytes(body)
    case .uint32(let a): a.withUnsafeBytes(body)
    case .bytes(let a): a.withUnsafeBytes(body)
    }
  }
}

/// The write outcome of one block, filled by whichever thread writes it.
private final class BlockResults: @unchecked Sendable {
  let hashes: UnsafeMutableBufferPointer<UInt64>
  let ok: UnsafeMutableBufferPointer<Bool>

  init(count: Int) {
    hashes = .allocate(capacity: count)
    hashes.initialize(repeating: 0)
    ok = .allocate(capacity: count)
    ok.initialize(repeating: false)
  }

  deinit {
    hashes.deallocate()
    ok.deallocate()
  }
}

extension DataCache {
  /// Writes the cache of `data` atomically (a temporary file renamed over the old cache).
  ///
  /// - Complexity: O(*n*) in the data's bytes, written from two threads.
  static func write(
    _ data: DataSet, fingerprints: [SourceFingerprint], folder: String
  ) -> Result<Void, CacheRejection> {
    guard UInt32(littleEndian: byteOrderMark) == byteOrderMark else {
      return .failure(CacheRejection("not a little-endian machine"))
    }
    let directory = join(folder, folderName)
    if mkdir(directory, 0o755) != 0 && errno != EEXIST {
      return .failure(
        CacheRejection(
          "cannot create '\(directory)': \(CacheFileHandle.errorText(errno))"))
    }
    removeAbandonedFiles(in: directory)
    let finalPath = join(directory, fileName)
    let temporaryPath = finalPath + ".\(getpid()).tmp"
    let file: CacheFileHandle
    switch CacheFileHandle.create(temporaryPath) {
    case .success(let f): file = f
    case .failure(let why): return .failure(why)
    }
    let result = write(data, fingerprints: fingerprints, to: file)
    guard case .success = result else {
      unlink(temporaryPath)
      return result
    }
    guard rename(temporaryPath, finalPath) == 0 else {
      let why = CacheFileHandle.errorText(errno)
      unlink(temporaryPath)
      return .failure(CacheRejection("cannot rename '\(temporaryPath)': \(why)"))
    }
    return .success(())
  }

  private static func write(
    _ data: DataSet, fingerprints: [SourceFingerprint], to file: CacheFileHandle
  ) -> Result<Void, CacheRejection> {
    var blocks: [BlockSource] = []
    func add(_ source: BlockSource) -> Int {
      blocks.append(source)
      return blocks.count - 1
    }

    // Dictionaries shared by several columns (one domain) are stored once, found by the
    // identity of their value storage.
    var dictionaryIndex: [DictionaryIdentity: Int] = [:]
    var dictionaryEntries: [(count: Int, blob: Int, offsets: Int)] = []
    func dictionary(_ d: StringDictionary) -> Int? {
      let identity = DictionaryIdentity(d.values)
      if let i = dictionaryIndex[identity] { return i }
      guard let (blob, offsets) = flatten(d.values) else { return nil }
      dictionaryEntries.append((d.count, add(.bytes(blob)), add(.uint32(offsets))))
      dictionaryIndex[identity] = dictionaryEntries.count - 1
      return dictionaryEntries.count - 1
    }

    enum ColumnEntry {
      case string(dictionary: Int, codes: Int)
      case numbers(StoredKind, Int)
      case text(bytes: Int, offsets: Int)
    }
    var tableEntries: [(table: Table, columns: [(String, ColumnEntry)])] = []
    for table in data.tables {
      var columns: [(String, ColumnEntry)] = []
      for name in table.columnNames {
        guard let column = table.columns[name] else {
          return .failure(CacheRejection("column '\(name)' has no values"))
        }
        guard column.count == table.rowCount else {
          return .failure(CacheRejection("column '\(name)' has the wrong length"))
        }
        switch column {
        case .string(let codes, let d):
          guard let i = dictionary(d) else {
            return .failure(CacheRejection("a dictionary is too large for the cache"))
          }
          columns.append((name, .string(dictionary: i, codes: add(.int32(codes)))))
        case .integer(let v): columns.append((name, .numbers(.integer, add(.int64(v)))))
        case .money(let v): columns.append((name, .numbers(.money, add(.int64(v)))))
        case .decimal(let v): columns.append((name, .numbers(.decimal, add(.int64(v)))))
        case .date(let v): columns.append((name, .numbers(.date, add(.int32(v)))))
        case .text(let t):
          columns.append(
            (name, .text(bytes: add(.bytes(t.bytes)), offsets: add(.int64(t.offsets)))))
        }
      }
      tableEntries.append((table, columns))
    }

    // Lay the blocks out, then write them from two threads.
    var offsets: [Int] = []
    var position = headerSize
    for b in blocks {
      if b.byteCount >= mappedBlockMinimum && pageSize > 0 {
        // Large blocks sit where a fresh array's first element sits in its page (mappable).
        position += (elementPageOffset - position % pageSize + pageSize) % pageSize
      }
      offsets.append(position)
      position += b.byteCount
    }
    let results = BlockResults(count: blocks.count)
    let frozen = blocks
    let (first, second) = split(frozen.indices.map { ($0, frozen[$0].byteCount) })
    func writeBlocks(_ indices: [Int]) {
      for i in indices {
        frozen[i].withBytes { raw in
          results.hashes[i] = CacheHash.of(raw)
          results.ok[i] = file.write(raw, at: offsets[i])
        }
      }
    }
    runConcurrently({ writeBlocks(first) }, { writeBlocks(second) })
    guard results.ok.allSatisfy({ $0 }) else {
      return .failure(CacheRejection("cannot write the cache (disk full?)"))
    }
    func ref(_ i: Int) -> BlockRef {
      BlockRef(offset: offsets[i], count: blocks[i].byteCount, hash: results.hashes[i])
    }

    var e = CacheEncoder()
    e.int(fingerprints.count)
    for f in fingerprints { f.encode(into: &e) }
    e.int(data.warnings.count)
    for w in data.warnings { e.string(w) }
    e.int(dictionaryEntries.count)
    for d in dictionaryEntries {
      e.int(d.count)
      ref(d.blob).encode(into: &e)
      ref(d.offsets).encode(into: &e)
    }
    e.int(tableEntries.count)
    for (table, columns) in tableEntries {
      e.string(table.name)
      e.int(table.rowCount)
      e.int(columns.count)
      for (name, entry) in columns {
        e.string(name)
        switch entry {
        case .string(let d, let codes):
          e.u8(StoredKind.string.rawValue)
          e.int(d)
          ref(codes).encode(into: &e)
        case .numbers(let kind, let block):
          e.u8(kind.rawValue)
          ref(block).encode(into: &e)
        case .text(let bytes, let textOffsets):
          e.u8(StoredKind.text.rawValue)
          ref(bytes).encode(into: &e)
          ref(textOffsets).encode(into: &e)
        }
      }
    }
    let contents = e.bytes
    let contentsOffset = position
    let fileLength = contentsOffset + contents.count
    guard contents.withUnsafeBytes({ file.write($0, at: contentsOffset) }) else {
      return .failure(CacheRejection("cannot write the cache: \(CacheFileHandle.errorText(errno))"))
    }

    var header = CacheEncoder()
    for b in magic { header.u8(b) }
    header.u32(formatVersion)
    header.u32(byteOrderMark)
    header.int(fileLength)
    header.int(contentsOffset)
    header.int(contents.count)
    header.u64(contents.withUnsafeBytes { CacheHash.of($0) })
    let headerHash = header.bytes.withUnsafeBytes { CacheHash.of($0) }
    header.u64(headerHash)
    header.u64(0)
    guard header.bytes.withUnsafeBytes({ file.write($0, at: 0) }) else {
      return .failure(CacheRejection("cannot write the cache: \(CacheFileHandle.errorText(errno))"))
    }
    return .success(())
  }

  /// Deletes temporary files left by writers that died (their process is gone): each is as
  /// large as a cache.
  static func removeAbandonedFiles(in directory: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
      return
    }
    let prefix = fileName + "."
    for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
      let middle = name.dropFirst(prefix.count).dropLast(4)
      guard let pid = Int32(middle), pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { unlink(join(directory, name)) }
    }
  }

  /// Splits weighted items in two groups of about equal weight (largest first, to the lighter).
  static func split(_ items: [(Int, Int)]) -> ([Int], [Int]) {
    var a: [Int] = []
    var b: [Int] = []
    var wa = 0
    var wb = 0
    for (i, w) in items.sorted(by: { $0.1 > $1.1 }) {
      if wa <= wb {
        a.append(i)
        wa += w
      } else {
        b.append(i)
        wb += w
      }
    }
    return (a.sorted(), b.sorted())
  }

  /// A dictionary's values as one UTF-8 blob and `count + 1` offsets; nil past 4 GiB.
  ///
  /// - Complexity: O(*n*) in the values' bytes.
  private static func flatten(
    _ values: [String]
  ) -> (ContiguousArray<UInt8>, ContiguousArray<UInt32>)? {
    var total = 0
    for v in values { total += v.utf8.count }
    guard total <= Int(UInt32.max) else { return nil }
    var offsets = ContiguousArray<UInt32>()
    offsets.reserveCapacity(values.count + 1)
    offsets.append(0)
    var blob = ContiguousArray<UInt8>()
    blob.reserveCapacity(total)
    for var v in values {
      v.withUTF8 { blob.append(contentsOf: $0) }
      offsets.append(UInt32(truncatingIfNeeded: blob.count))
    }
    return (blob, offsets)
  }
}

/// The identity of a dictionary's value storage (columns of one domain share it).
private struct DictionaryIdentity: Hashable {
  let address: UInt
  let count: Int

  init(_ values: [String]) {
    address = values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    count = values.count
  }
}
