#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The result of trying to read a cache.
enum CacheRead {
  /// There is no cache file.
  case absent
  /// There is one, but it is not trusted.
  case rejected(String)
  /// Read; `mappedBlocks` of its blocks were page-mapped rather than copied.
  case loaded(DataSet, mappedBlocks: Int)
}

/// A block read into memory.
private enum RawArray {
  case int32(ContiguousArray<Int32>)
  case int64(ContiguousArray<Int64>)
  case uint32(ContiguousArray<UInt32>)
  case bytes(ContiguousArray<UInt8>)
}

/// One block to read, what it holds and what must be true of it.
private struct ReadJob {
  enum Element { case int32, int64, uint32, bytes }
  enum Check {
    case none
    /// Dictionary codes: each in `0..<n`.
    case codes(below: Int)
    /// Text or dictionary offsets: start at 0, never decrease, end at the byte count.
    case offsets(byteCount: Int)
  }
  var ref: BlockRef
  var element: Element
  var check: Check
}

/// Per-job results, each slot written by exactly one thread.
private final class ReadSlots: @unchecked Sendable {
  let arrays: UnsafeMutableBufferPointer<RawArray?>
  let failures: UnsafeMutableBufferPointer<String?>
  let mapped: UnsafeMutableBufferPointer<Bool>

  init(count: Int) {
    mapped = .allocate(capacity: count)
    mapped.initialize(repeating: false)
    arrays = .allocate(capacity: count)
    arrays.initialize(repeating: nil)
    failures = .allocate(capacity: count)
    failures.initialize(repeating: nil)
  }

  deinit {
    arrays.deinitialize()
    arrays.deallocate()
    failures.deinitialize()
    failures.deallocate()
    mapped.deallocate()
  }
}

extension DataCache {
  /// Reads the cache of `folder` if it matches `fingerprints` and every check passes.
  ///
  /// - Complexity: O(*n*) in the cache's bytes, read and hashed on two threads, plus one
  ///   `String` per dictionary value (also on two threads).
  static func read(folder: String, fingerprints: [SourceFingerprint]) -> CacheRead {
    let path = cachePath(folder)
    guard let file = CacheFileHandle.openForReading(path) else {
      return errno == ENOENT || errno == ENOTDIR
        ? .absent : .rejected("cannot open '\(path)': \(CacheFileHandle.errorText(errno))")
    }
    do throws(CacheRejection) {
      let (data, mappedBlocks) = try read(file, folder: folder, fingerprints: fingerprints)
      return .loaded(data, mappedBlocks: mappedBlocks)
    } catch {
      return .rejected(error.reason)
    }
  }

  private static func read(
    _ file: CacheFileHandle, folder: String, fingerprints: [SourceFingerprint]
  ) throws(CacheRejection) -> (DataSet, Int) {
    guard UInt32(littleEndian: byteOrderMark) == byteOrderMark else {
      throw CacheRejection("not a little-endian machine")
    }
    guard let size = file.size, size >= headerSize else { throw CacheRejection("file is short") }
    var headerBytes = [UInt8](repeating: 0, count: headerSize)
    guard
      headerBytes.withUnsafeMutableBytes({
        file.read(into: $0.baseAddress!, count: headerSize, at: 0)
      })
    else { throw CacheRejection("cannot read the header") }
    guard Array(headerBytes[0..<magic.count]) == magic else { throw CacheRejection("bad magic") }
    var header = CacheDecoder(Array(headerBytes[magic.count...]))
    let version = try header.u32()
    guard version == formatVersion else {
      throw CacheRejection("format version \(version), this cq writes \(formatVersion)")
    }
    guard try header.u32() == byteOrderMark else { throw CacheRejection("bad byte order") }
    let fileLength = try header.count()
    let contentsOffset = try header.count()
    let contentsLength = try header.count()
    let contentsHash = try header.u64()
    let headerHash = try header.u64()
    let reserved = try header.u64()
    guard headerHash == headerBytes[0..<48].withUnsafeBytes({ CacheHash.of($0) }), reserved == 0
    else { throw CacheRejection("header checksum mismatch") }
    guard fileLength == size else {
      throw CacheRejection("file is \(size) bytes, expected \(fileLength)")
    }
    guard contentsOffset >= headerSize, contentsLength <= size - contentsOffset else {
      throw CacheRejection("bad table of contents position")
    }
    var contents = [UInt8](repeating: 0, count: contentsLength)
    guard
      contentsLength == 0
        || contents.withUnsafeMutableBytes({
          file.read(into: $0.baseAddress!, count: contentsLength, at: contentsOffset)
        })
    else { throw CacheRejection("cannot read the table of contents") }
    guard contents.withUnsafeBytes({ CacheHash.of($0) }) == contentsHash else {
      throw CacheRejection("table of contents checksum mismatch")
    }

    var d = CacheDecoder(contents)
    let sourceCount = try d.count()
    guard sourceCount == fingerprints.count else { throw CacheRejection("other source files") }
    for current in fingerprints {
      let stored = try SourceFingerprint.decode(&d)
      guard stored.name == current.name else { throw CacheRejection("other source files") }
      guard stored == current else {
        throw CacheRejection(
          stored.present == current.present
            ? "'\(current.name)' changed"
            : current.present ? "'\(current.name)' was added" : "'\(current.name)' was removed")
      }
    }
    let warningCount = try d.count()
    var warnings: [String] = []
    for _ in 0..<warningCount { warnings.append(try d.string()) }

    var jobs: [ReadJob] = []
    /// A block that lies inside the data area and holds `count` elements of `stride` bytes.
    func add(
      _ ref: BlockRef, _ element: ReadJob.Element, stride: Int, count: Int, check: ReadJob.Check
    ) throws(CacheRejection) -> Int {
      guard ref.offset >= headerSize, ref.count <= contentsOffset - ref.offset else {
        throw CacheRejection("block out of bounds")
      }
      let (bytes, overflow) = count.multipliedReportingOverflow(by: stride)
      guard !overflow, bytes == ref.count else { throw CacheRejection("block of the wrong size") }
      jobs.append(ReadJob(ref: ref, element: element, check: check))
      return jobs.count - 1
    }

    let dictionaryCount = try d.count()
    var dictionaryJobs: [(count: Int, blob: Int, offsets: Int)] = []
    for _ in 0..<dictionaryCount {
      let n = try d.count()
      let blobRef = try BlockRef.decode(&d)
      let blob = try add(blobRef, .bytes, stride: 1, count: blobRef.count, check: .none)
      let offsets = try add(
        try BlockRef.decode(&d), .uint32, stride: 4, count: n + 1,
        check: .offsets(byteCount: blobRef.count))
      dictionaryJobs.append((n, blob, offsets))
    }

    enum ColumnPlan {
      case string(dictionary: Int, codes: Int)
      case numbers(StoredKind, Int)
      case text(bytes: Int, offsets: Int)
    }
    var tablePlans: [(name: String, rows: Int, columns: [(String, ColumnPlan)])] = []
    let tableCount = try d.count()
    for _ in 0..<tableCount {
      let name = try d.string()
      let rows = try d.count()
      let columnCount = try d.count()
      var columns: [(String, ColumnPlan)] = []
      for _ in 0..<columnCount {
        let columnName = try d.string()
        guard let kind = StoredKind(rawValue: try d.u8()) else {
          throw CacheRejection("unknown column kind")
        }
        switch kind {
        case .string:
          let dictionary = try d.count()
          guard dictionary < dictionaryJobs.count else { throw CacheRejection("bad dictionary") }
          let codes = try add(
            try BlockRef.decode(&d), .int32, stride: 4, count: rows,
            check: .codes(below: dictionaryJobs[dictionary].count))
          columns.append((columnName, .string(dictionary: dictionary, codes: codes)))
        case .integer, .money, .decimal:
          let block = try add(try BlockRef.decode(&d), .int64, stride: 8, count: rows, check: .none)
          columns.append((columnName, .numbers(kind, block)))
        case .date:
          let block = try add(try BlockRef.decode(&d), .int32, stride: 4, count: rows, check: .none)
          columns.append((columnName, .numbers(kind, block)))
        case .text:
          let bytesRef = try BlockRef.decode(&d)
          let bytes = try add(bytesRef, .bytes, stride: 1, count: bytesRef.count, check: .none)
          let offsets = try add(
            try BlockRef.decode(&d), .int64, stride: 8, count: rows + 1,
            check: .offsets(byteCount: bytesRef.count))
          columns.append((columnName, .text(bytes: bytes, offsets: offsets)))
        }
      }
      tablePlans.append((name, rows, columns))
    }
    guard d.isAtEnd else { throw CacheRejection("table of contents has extra bytes") }

    // Every block, on two threads.
    let slots = ReadSlots(count: jobs.count)
    let frozen = jobs
    let (first, second) = split(frozen.indices.map { ($0, frozen[$0].ref.count) })
    func run(_ indices: [Int]) {
      for i in indices {
        do throws(CacheRejection) {
          (slots.arrays[i], slots.mapped[i]) = try readBlock(frozen[i], from: file)
        } catch {
          slots.failures[i] = error.reason
          return
        }
      }
    }
    runConcurrently({ run(first) }, { run(second) })
    if let failure = slots.failures.first(where: { $0 != nil }) ?? nil {
      throw CacheRejection(failure)
    }

    var dictionaries: [StringDictionary] = []
    for job in dictionaryJobs {
      guard case .bytes(let blob) = slots.arrays[job.blob],
        case .uint32(let offsets) = slots.arrays[job.offsets]
      else { throw CacheRejection("missing dictionary") }
      dictionaries.append(StringDictionary(distinct: strings(blob, offsets, count: job.count)))
    }

    var tables: [String: Table] = [:]
    for plan in tablePlans {
      var columns: [String: Column] = [:]
      for (name, column) in plan.columns {
        switch column {
        case .string(let dictionary, let codes):
          guard case .int32(let c) = slots.arrays[codes] else {
            throw CacheRejection("missing codes")
          }
          columns[name] = .string(codes: c, dictionary: dictionaries[dictionary])
        case .numbers(let kind, let block):
          switch (kind, slots.arrays[block]) {
          case (.integer, .int64(let v)?): columns[name] = .integer(v)
          case (.money, .int64(let v)?): columns[name] = .money(v)
          case (.decimal, .int64(let v)?): columns[name] = .decimal(v)
          case (.date, .int32(let v)?): columns[name] = .date(v)
          default: throw CacheRejection("missing values")
          }
        case .text(let bytes, let offsets):
          guard case .bytes(let b) = slots.arrays[bytes], case .int64(let o) = slots.arrays[offsets]
          else { throw CacheRejection("missing text") }
          columns[name] = .text(TextColumn(bytes: b, offsets: o))
        }
      }
      guard columns.count == plan.columns.count else { throw CacheRejection("duplicate column") }
      let fileName = plan.name + ".csv"
      tables[plan.name] = Table(
        name: plan.name, columnNames: plan.columns.map(\.0), columns: columns,
        rowCount: plan.rows, path: join(folder, fileName))
    }
    func required(_ schema: TableSchema) throws(CacheRejection) -> Table {
      guard let t = tables[schema.name] else { throw CacheRejection("no table '\(schema.name)'") }
      return t
    }
    let data = DataSet(
      folder: folder, influencers: try required(.influencers), posts: try required(.posts),
      tracking: try required(.tracking), payouts: try required(.payouts),
      products: tables[TableSchema.products.name],
      storeOrders: tables[TableSchema.storeOrders.name], warnings: warnings)
    return (data, slots.mapped.filter { $0 }.count)
  }

  /// Reads one block into a new array, hashing and checking it chunk by chunk.
  ///
  /// - Complexity: O(*n*) in the block's bytes; one allocation.
  private static func readBlock(
    _ job: ReadJob, from file: CacheFileHandle
  ) throws(CacheRejection)
    -> (RawArray, mapped: Bool)
  {
    switch job.element {
    case .int32:
      let (a, mapped) = try readArray(job, Int32.self, from: file)
      return (.int32(a), mapped)
    case .int64:
      let (a, mapped) = try readArray(job, Int64.self, from: file)
      return (.int64(a), mapped)
    case .uint32:
      let (a, mapped) = try readArray(job, UInt32.self, from: file)
      return (.uint32(a), mapped)
    case .bytes:
      let (a, mapped) = try readArray(job, UInt8.self, from: file)
      return (.bytes(a), mapped)
    }
  }

  /// Bytes hashed and checked at a time, while they are in the CPU cache (a multiple of 32).
  static let chunkBytes = 256 * 1024

  private static func readArray<T: FixedWidthInteger & BitwiseCopyable>(
    _ job: ReadJob, _ type: T.Type, from file: CacheFileHandle
  ) throws(CacheRejection) -> (ContiguousArray<T>, mapped: Bool) {
    let ref = job.ref
    let n = ref.count / MemoryLayout<T>.stride
    var failure: CacheRejection?
    var mapped = false
    let array = ContiguousArray<T>(unsafeUninitializedCapacity: n) { buffer, initialized in
      initialized = 0
      guard n > 0 else { return }
      guard let base = buffer.baseAddress else {
        failure = CacheRejection("out of memory")
        return
      }
      let raw = UnsafeMutableRawPointer(base)
      mapped = mapPages(into: raw, ref, from: file)
      if !mapped { adviseHugePages(raw, ref.count) }
      var hasher = CacheHash()
      var checker = BlockChecker<T>(job.check)
      let perChunk = chunkBytes / MemoryLayout<T>.stride
      var lower = 0
      while lower < n {
        let upper = min(lower + perChunk, n)
        let bytes = (upper - lower) * MemoryLayout<T>.stride
        if !mapped {
          guard
            file.read(
              into: base + lower, count: bytes, at: ref.offset + lower * MemoryLayout<T>.stride)
          else {
            failure = CacheRejection("file is short")
            return
          }
        }
        hasher.update(base + lower, bytes)
        checker.check(UnsafeBufferPointer(buffer), lower..<upper)
        lower = upper
      }
      guard hasher.value == ref.hash else {
        failure = CacheRejection("block checksum mismatch at byte \(ref.offset)")
        return
      }
      if let problem = checker.finish(UnsafeBufferPointer(buffer)) {
        failure = CacheRejection(problem)
        return
      }
      initialized = n
    }
    if let failure { throw failure }
    if n == 0 && ref.hash != CacheHash.of(UnsafeRawBufferPointer(start: nil, count: 0)) {
      throw CacheRejection("block checksum mismatch at byte \(ref.offset)")
    }
    return (array, mapped)
  }

  /// Maps the whole pages of block `ref` from the file over the fresh buffer `raw`
  /// (copy-on-write, `MAP_FIXED`) and reads the partial pages at either end; false (nothing
  /// done) when the buffer and the block do not share their offset within a page.
  ///
  /// The pages come straight from the page cache: no copy, no zeroing. They are mapped
  /// read-only and populated in one call, then made writable (a write copies just that page).
  /// Freeing the array unmaps them with the rest of its allocation (allocations this large are
  /// mappings of their own). The cache file is only ever replaced by a rename, never changed
  /// in place, so the mapped bytes cannot change under the data.
  private static func mapPages(
    into raw: UnsafeMutableRawPointer, _ ref: BlockRef, from file: CacheFileHandle
  ) -> Bool {
    #if os(Linux)
      let page = pageSize
      guard ref.count >= mappedBlockMinimum, page > 0 else { return false }
      let address = Int(bitPattern: raw)
      guard (address - ref.offset) % page == 0 else { return false }
      let head = (page - address % page) % page
      let body = (ref.count - head) / page * page
      guard body > 0, let start = UnsafeMutableRawPointer(bitPattern: address + head) else {
        return false
      }
      let mapped = mmap(
        start, body, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, file.fd,
        off_t(ref.offset + head))
      guard mapped == start, mprotect(start, body, PROT_READ | PROT_WRITE) == 0 else {
        // A failed `MAP_FIXED` may already have unmapped the range: put fresh memory back.
        let restored = mmap(
          start, body, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0)
        precondition(restored == start, "cannot restore memory after a failed mapping")
        return false
      }
      let tail = ref.count - head - body
      return file.read(into: raw, count: head, at: ref.offset)
        && file.read(into: start + body, count: tail, at: ref.offset + head + body)
    #else
      return false
    #endif
  }

  /// Blocks at least this large are page-mapped rather than read (see `mapPages`).
  static let mappedBlockMinimum = 8 << 20

  static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// Where in its page the first element of a large new array falls (the allocator's header
  /// plus the array's): large blocks are written at this offset within a page, so they can be
  /// mapped straight into arrays when read.
  static let elementPageOffset: Int = {
    // Above glibc's largest dynamic mmap threshold (32 MiB), so surely a mapping of its own.
    let probe = ContiguousArray<UInt8>(unsafeUninitializedCapacity: 64 << 20) {
      _, count in count = 0
    }
    let address = probe.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
    return pageSize > 0 ? address % pageSize : 0
  }()

  /// Asks for transparent huge pages on a large fresh buffer: far fewer page faults to fill it.
  private static func adviseHugePages(_ p: UnsafeMutableRawPointer, _ count: Int) {
    #if canImport(Glibc)
      let huge = 2 << 20
      guard count >= 2 * huge else { return }
      let start = (Int(bitPattern: p) + huge - 1) / huge * huge
      let end = (Int(bitPattern: p) + count) / huge * huge
      guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
      _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    #endif
  }

  /// The `count` strings of a dictionary blob (offsets already checked), built on two threads
  /// when there are many.
  ///
  /// - Complexity: O(*n*) in the blob's bytes; one `String` per value (no allocation for
  ///   values of up to 15 UTF-8 bytes).
  static func strings(
    _ blob: ContiguousArray<UInt8>, _ offsets: ContiguousArray<UInt32>, count: Int
  ) -> [String] {
    guard count > 0 else { return [] }
    return blob.withUnsafeBufferPointer { bytes in
      offsets.withUnsafeBufferPointer { offsets in
        [String](unsafeUninitializedCapacity: count) { buffer, initialized in
          func fill(_ range: Range<Int>) {
            guard let out = buffer.baseAddress else { return }
            for i in range {
              let lo = Int(offsets[i])
              let hi = Int(offsets[i + 1])
              (out + i).initialize(
                to: String(decoding: UnsafeBufferPointer(rebasing: bytes[lo..<hi]), as: UTF8.self))
            }
          }
          if count >= 1 << 16 {
            let half = count / 2
            runConcurrently({ fill(0..<half) }, { fill(half..<count) })
          } else {
            fill(0..<count)
          }
          initialized = count
        }
      }
    }
  }
}

/// Checks a block's values chunk by chunk, while each chunk is in the CPU cache.
private struct BlockChecker<T: FixedWidthInteger> {
  let check: ReadJob.Check
  private var low: T = 0
  private var high: T = 0
  private var drops = 0

  init(_ check: ReadJob.Check) { self.check = check }

  /// Folds in `values[range]` (earlier elements are already checked and still readable).
  mutating func check(_ values: UnsafeBufferPointer<T>, _ range: Range<Int>) {
    switch check {
    case .none: break
    case .codes:
      var lo = low
      var hi = high
      for i in range {
        lo = Swift.min(lo, values[i])
        hi = Swift.max(hi, values[i])
      }
      low = lo
      high = hi
    case .offsets:
      var d = 0
      for i in Swift.max(range.lowerBound, 1)..<range.upperBound {
        d &+= values[i] < values[i - 1] ? 1 : 0
      }
      drops &+= d
    }
  }

  /// What is wrong with the whole block, if anything.
  func finish(_ values: UnsafeBufferPointer<T>) -> String? {
    switch check {
    case .none: return nil
    case .codes(let n):
      guard values.isEmpty || (low >= 0 && Int(high) < n) else {
        return "dictionary code out of range"
      }
      return nil
    case .offsets(let byteCount):
      guard let first = values.first, let last = values.last, first == 0,
        Int(exactly: last) == byteCount, drops == 0
      else { return "bad offsets" }
      return nil
    }
  }
}
