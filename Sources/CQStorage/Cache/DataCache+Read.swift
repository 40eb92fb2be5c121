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
///
/// Sendable by partition: job *i* writes only slot *i* (the jobs are split between two threads,
/// each index in one), and the slots are read after `runConcurrently` returns, which joins both
/// threads and so orders every write before the reads.
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
    let contents = try readContents(file, fingerprints: fingerprints)
    let plan = try planJobs(contents)

    // Every block, on two threads.
    let jobs = plan.jobs
    let slots = ReadSlots(count: jobs.count)
    let (first, second) = split(jobs.indices.map { ($0, jobs[$0].ref.count) })
    func run(_ indices: [Int]) {
      for i in indices {
        do throws(CacheRejection) {
          (slots.arrays[i], slots.mapped[i]) = try readBlock(jobs[i], from: file)
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
    for d in plan.contents.dictionaries {
      guard case .bytes(let blob) = slots.arrays[d.blob],
        case .uint32(let offsets) = slots.arrays[d.offsets]
      else { throw CacheRejection("missing dictionary") }
      // Values were distinct `String`s when written (the loader's invariant).
      dictionaries.append(StringDictionary(distinct: strings(blob, offsets, count: d.count)))
    }

    var tables: [String: Table] = [:]
    for table in plan.contents.tables {
      var columns: [String: Column] = [:]
      for c in table.columns {
        let arrays = c.blocks.map { slots.arrays[$0] }
        switch (c.kind, arrays.first ?? nil, arrays.last ?? nil) {
        case (.string, .int32(let codes)?, _):
          columns[c.name] = .string(codes: codes, dictionary: dictionaries[c.dictionary])
        case (.integer, .int64(let v)?, _): columns[c.name] = .integer(v)
        case (.money, .int64(let v)?, _): columns[c.name] = .money(v)
        case (.decimal, .int64(let v)?, _): columns[c.name] = .decimal(v)
        case (.date, .int32(let v)?, _): columns[c.name] = .date(v)
        case (.text, .bytes(let bytes)?, .int64(let offsets)?):
          columns[c.name] = .text(TextColumn(bytes: bytes, offsets: offsets))
        case (.textFile, .int64(let anchors)?, _):
          let name = table.name + ".csv"
          guard let source = plan.contents.sources.first(where: { $0.name == name && $0.present }),
            anchors.count >= 3, anchors[2] >= 0, anchors[2] <= Int64(anchors.count),
            anchors.count == 3 + 2 * Int(anchors[2])
          else { throw CacheRejection("column '\(table.name).\(c.name)' is malformed") }
          let k = Int(anchors[2])
          let file = TextFileRows(
            path: join(folder, name), field: Int(anchors[0]), width: Int(anchors[1]),
            size: source.size,
            modified: .init(
              seconds: source.modifiedSeconds, nanoseconds: source.modifiedNanoseconds),
            rowCount: table.rowCount, anchorRows: ContiguousArray(anchors[3..<(3 + k)]),
            anchorOffsets: ContiguousArray(anchors[(3 + k)...]))
          guard file.isConsistent else {
            throw CacheRejection("column '\(table.name).\(c.name)' has bad anchors")
          }
          columns[c.name] = .text(TextColumn(file: file))
        default: throw CacheRejection("column '\(table.name).\(c.name)' is malformed")
        }
      }
      guard columns.count == table.columns.count else {
        throw CacheRejection("table '\(table.name)' repeats a column")
      }
      tables[table.name] = Table(
        name: table.name, columnNames: table.columns.map(\.name), columns: columns,
        rowCount: table.rowCount, path: join(folder, table.name + ".csv"))
    }
    func required(_ schema: TableSchema) throws(CacheRejection) -> Table {
      guard let t = tables[schema.name] else { throw CacheRejection("no table '\(schema.name)'") }
      return t
    }
    let data = DataSet(
      folder: folder, influencers: try required(.influencers), posts: try required(.posts),
      tracking: try required(.tracking), payouts: try required(.payouts),
      products: tables[TableSchema.products.name],
      storeOrders: tables[TableSchema.storeOrders.name], warnings: plan.contents.warnings)
    return (data, slots.mapped.filter { $0 }.count)
  }

  /// The header and table of contents, checked, with sources matching `fingerprints`.
  private static func readContents(
    _ file: CacheFileHandle, fingerprints: [SourceFingerprint]
  ) throws(CacheRejection) -> CacheContents<BlockRef> {
    guard UInt32(littleEndian: CacheHeader.byteOrderMark) == CacheHeader.byteOrderMark else {
      throw CacheRejection("not a little-endian machine")
    }
    guard let size = file.size, size >= CacheHeader.size else {
      throw CacheRejection("file is short")
    }
    let header = try CacheHeader(decoding: try file.bytes(count: CacheHeader.size, at: 0))
    guard header.fileLength == size else {
      throw CacheRejection("file is \(size) bytes, expected \(header.fileLength)")
    }
    guard header.contentsOffset >= CacheHeader.size,
      header.contentsLength <= size - header.contentsOffset
    else { throw CacheRejection("bad table of contents position") }
    let bytes = try file.bytes(count: header.contentsLength, at: header.contentsOffset)
    guard bytes.withUnsafeBytes({ CacheHash.of($0) }) == header.contentsHash else {
      throw CacheRejection("table of contents checksum mismatch")
    }
    let contents = try CacheContents<BlockRef>(decoding: bytes)
    guard contents.sources.map(\.name) == fingerprints.map(\.name) else {
      throw CacheRejection("other source files")
    }
    for (stored, current) in zip(contents.sources, fingerprints) where stored != current {
      throw CacheRejection(
        stored.present == current.present
          ? "'\(current.name)' changed"
          : current.present ? "'\(current.name)' was added" : "'\(current.name)' was removed")
    }
    // Blocks lie between the header and the table of contents.
    func inBounds(_ ref: BlockRef) -> Bool {
      ref.offset >= CacheHeader.size && ref.count <= header.contentsOffset - ref.offset
    }
    let refs =
      contents.dictionaries.flatMap { [$0.blob, $0.offsets] }
      + contents.tables.flatMap { $0.columns.flatMap(\.blocks) }
    guard refs.allSatisfy(inBounds) else { throw CacheRejection("block out of bounds") }
    return contents
  }

  /// The blocks to read, each with its element type and checks, and the contents with job
  /// numbers in place of blocks; sizes are checked against row and value counts.
  private static func planJobs(
    _ contents: CacheContents<BlockRef>
  ) throws(CacheRejection)
    -> (contents: CacheContents<Int>, jobs: [ReadJob])
  {
    var jobs: [ReadJob] = []
    func add(
      _ ref: BlockRef, _ element: ReadJob.Element, count: Int, check: ReadJob.Check = .none
    ) throws(CacheRejection) -> Int {
      let stride =
        switch element {
        case .int32, .uint32: 4
        case .int64: 8
        case .bytes: 1
        }
      let (bytes, overflow) = count.multipliedReportingOverflow(by: stride)
      guard !overflow, bytes == ref.count else { throw CacheRejection("block of the wrong size") }
      jobs.append(ReadJob(ref: ref, element: element, check: check))
      return jobs.count - 1
    }
    var dictionaries: [StoredDictionary<Int>] = []
    for d in contents.dictionaries {
      dictionaries.append(
        StoredDictionary(
          count: d.count, blob: try add(d.blob, .bytes, count: d.blob.count),
          offsets: try add(
            d.offsets, .uint32, count: d.count + 1, check: .offsets(byteCount: d.blob.count))))
    }
    var tables: [StoredTable<Int>] = []
    for t in contents.tables {
      var columns: [StoredColumn<Int>] = []
      for c in t.columns {
        var blocks: [Int] = []
        switch c.kind {
        case .string:
          guard c.dictionary < contents.dictionaries.count else {
            throw CacheRejection("column '\(t.name).\(c.name)' has no dictionary")
          }
          let limit = contents.dictionaries[c.dictionary].count
          blocks = [try add(c.blocks[0], .int32, count: t.rowCount, check: .codes(below: limit))]
        case .integer, .money, .decimal: blocks = [try add(c.blocks[0], .int64, count: t.rowCount)]
        case .date: blocks = [try add(c.blocks[0], .int32, count: t.rowCount)]
        case .textFile:
          blocks = [try add(c.blocks[0], .int64, count: c.blocks[0].count / 8)]
        case .text:
          let bytes = c.blocks[0]
          blocks = [
            try add(bytes, .bytes, count: bytes.count),
            try add(
              c.blocks[1], .int64, count: t.rowCount + 1, check: .offsets(byteCount: bytes.count)),
          ]
        }
        columns.append(
          StoredColumn(name: c.name, kind: c.kind, dictionary: c.dictionary, blocks: blocks))
      }
      tables.append(StoredTable(name: t.name, rowCount: t.rowCount, columns: columns))
    }
    let planned = CacheContents(
      sources: contents.sources, warnings: contents.warnings, dictionaries: dictionaries,
      tables: tables)
    return (planned, jobs)
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
      // Byte blocks (post urls and captions, dictionary text) are rarely read again: once
      // checked, let their mapped pages go. They stay in the page cache, and touching them
      // maps them back from the unchanged file.
      if mapped, MemoryLayout<T>.stride == 1 { releasePages(UnsafeMutableRawPointer(base), n) }
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
  /// The pages come straight from the page cache: no copy, no zeroing; a write to the array
  /// copies just that page.
  /// Freeing the array unmaps them with the rest of its allocation (allocations this large are
  /// mappings of their own). The cache file is only ever replaced by a rename, never changed
  /// in place, so the mapped bytes cannot change under the data.
  static func mapPages(
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
      start, body, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, file.fd,
      off_t(ref.offset + head))
    guard mapped == start else {
      // A failed `MAP_FIXED` may already have unmapped the range: put fresh memory back.
      let restored = mmap(
        start, body, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0)
      precondition(restored == start, "cannot restore memory after a failed mapping")
      return false
    }
    // Fill the page tables in one call, without copying (pages stay shared until written);
    // before Linux 5.14 this fails and pages are faulted in as they are hashed.
    _ = madvise(start, body, populateRead)
    let tail = ref.count - head - body
    return file.read(into: raw, count: head, at: ref.offset)
      && file.read(into: start + body, count: tail, at: ref.offset + head + body)
    #else
    return false
    #endif
  }

  /// Drops the whole pages inside `count` bytes at `raw` from this process's memory.
  private static func releasePages(_ raw: UnsafeMutableRawPointer, _ count: Int) {
    #if os(Linux)
    let page = pageSize
    let address = Int(bitPattern: raw)
    let head = (page - address % page) % page
    let body = (count - head) / page * page
    guard body > 0, let start = UnsafeMutableRawPointer(bitPattern: address + head) else { return }
    _ = madvise(start, body, MADV_DONTNEED)
    #endif
  }

  /// `MADV_POPULATE_READ` (Linux 5.14).
  private static let populateRead: Int32 = 22

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
  static func adviseHugePages(_ p: UnsafeMutableRawPointer, _ count: Int) {
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
