import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
///
/// Sendable by partition: the thread writing block *i* writes only entry *i* (each index in one
/// of the two halves), and the entries are read after `runConcurrently` returns, which joins both
/// threads and so orders every write before the reads.
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
    guard UInt32(littleEndian: CacheHeader.byteOrderMark) == CacheHeader.byteOrderMark else {
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
    let plan: CacheContents<Int>
    let blocks: [BlockSource]
    switch planBlocks(data, fingerprints: fingerprints) {
    case .success(let planned): (plan, blocks) = planned
    case .failure(let why): return .failure(why)
    }

    // Lay the blocks out back to back after the header; large ones where a fresh array's
    // first element sits in its page, so the reader can map them.
    var offsets: [Int] = []
    var position = CacheHeader.size
    for b in blocks {
      if b.byteCount >= mappedBlockMinimum && pageSize > 0 {
        position += (elementPageOffset - position % pageSize + pageSize) % pageSize
      }
      offsets.append(position)
      position += b.byteCount
    }

    // Hash and write them from two threads.
    let results = BlockResults(count: blocks.count)
    let (first, second) = split(blocks.indices.map { ($0, blocks[$0].byteCount) })
    func writeBlocks(_ indices: [Int]) {
      for i in indices {
        blocks[i].withBytes { raw in
          results.hashes[i] = CacheHash.of(raw)
          results.ok[i] = file.write(raw, at: offsets[i])
        }
      }
    }
    runConcurrently({ writeBlocks(first) }, { writeBlocks(second) })
    guard results.ok.allSatisfy({ $0 }) else {
      return .failure(CacheRejection("cannot write the cache (disk full?)"))
    }

    let contents = plan.map { i in
      BlockRef(offset: offsets[i], count: blocks[i].byteCount, hash: results.hashes[i])
    }.encoded()
    let header = CacheHeader(
      fileLength: position + contents.count, contentsOffset: position,
      contentsLength: contents.count, contentsHash: contents.withUnsafeBytes { CacheHash.of($0) })
    guard contents.withUnsafeBytes({ file.write($0, at: position) }),
      header.encoded().withUnsafeBytes({ file.write($0, at: 0) })
    else {
      return .failure(CacheRejection("cannot write the cache (disk full?)"))
    }
    return .success(())
  }

  /// The table of contents of `data` with block numbers, and those blocks.
  ///
  /// A dictionary shared by several columns (one domain) is stored once, recognised by the
  /// identity of its value storage.
  private static func planBlocks(
    _ data: DataSet, fingerprints: [SourceFingerprint]
  ) -> Result<(CacheContents<Int>, [BlockSource]), CacheRejection> {
    var blocks: [BlockSource] = []
    func add(_ source: BlockSource) -> Int {
      blocks.append(source)
      return blocks.count - 1
    }
    var dictionaryIndex: [DictionaryIdentity: Int] = [:]
    var dictionaries: [StoredDictionary<Int>] = []
    func dictionary(_ d: StringDictionary) -> Int? {
      let identity = DictionaryIdentity(d.values)
      if let i = dictionaryIndex[identity] { return i }
      guard let (blob, offsets) = flatten(d.values) else { return nil }
      dictionaries.append(
        StoredDictionary(count: d.count, blob: add(.bytes(blob)), offsets: add(.uint32(offsets))))
      dictionaryIndex[identity] = dictionaries.count - 1
      return dictionaries.count - 1
    }

    var tables: [StoredTable<Int>] = []
    for table in data.tables {
      var columns: [StoredColumn<Int>] = []
      for name in table.columnNames {
        guard let column = table.columns[name], column.count == table.rowCount else {
          return .failure(CacheRejection("column '\(table.name).\(name)' has the wrong length"))
        }
        func stored(_ kind: StoredKind, _ blocks: [Int], dictionary: Int = 0) -> StoredColumn<Int> {
          StoredColumn(name: name, kind: kind, dictionary: dictionary, blocks: blocks)
        }
        switch column {
        case .string(let codes, let d):
          guard let i = dictionary(d) else {
            return .failure(CacheRejection("a dictionary is too large for the cache"))
          }
          columns.append(stored(.string, [add(.int32(codes))], dictionary: i))
        case .integer(let v): columns.append(stored(.integer, [add(.int64(v))]))
        case .money(let v): columns.append(stored(.money, [add(.int64(v))]))
        case .decimal(let v): columns.append(stored(.decimal, [add(.int64(v))]))
        case .date(let v): columns.append(stored(.date, [add(.int32(v))]))
        case .text(let t):
          if let file = t.file {
            var anchors: ContiguousArray<Int64> = [
              Int64(file.field), Int64(file.width), Int64(file.anchorRows.count),
            ]
            anchors.append(contentsOf: file.anchorRows)
            anchors.append(contentsOf: file.anchorOffsets)
            columns.append(stored(.textFile, [add(.int64(anchors))]))
          } else {
            columns.append(stored(.text, [add(.bytes(t.bytes)), add(.int64(t.offsets))]))
          }
        }
      }
      tables.append(StoredTable(name: table.name, rowCount: table.rowCount, columns: columns))
    }
    let plan = CacheContents(
      sources: fingerprints, warnings: data.warnings, dictionaries: dictionaries, tables: tables)
    return .success((plan, blocks))
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
