import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One stored array of a derived column.
public enum DerivedArray: Sendable, Equatable {
  case u8(ContiguousArray<UInt8>)
  case i32(ContiguousArray<Int32>)
  case i64(ContiguousArray<Int64>)
  case u16(ContiguousArray<UInt16>)

  /// The kind byte in the table of contents and the element width.
  var kind: (tag: UInt8, width: Int) {
    switch self {
    case .u8: (0, 1)
    case .i32: (1, 4)
    case .i64: (2, 8)
    case .u16: (3, 2)
    }
  }

  func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    switch self {
    case .u8(let v): v.withUnsafeBytes(body)
    case .i32(let v): v.withUnsafeBytes(body)
    case .i64(let v): v.withUnsafeBytes(body)
    case .u16(let v): v.withUnsafeBytes(body)
    }
  }
}

/// The fingerprints of a data folder's source files at one moment (size, modification time,
/// hashes of their ends): derived columns are read and written against those of the data as
/// it was loaded, so a CSV changed later never pairs new derived columns with old data.
public struct DataFingerprint: Sendable, Equatable {
  let sources: [SourceFingerprint]

  /// The fingerprints of `folder`'s sources now, or nil when one cannot be read.
  ///
  /// - Complexity: O(1) in the data's size: a `stat` and 128 KiB read per file.
  public static func of(folder: String) -> DataFingerprint? {
    guard !folder.isEmpty else { return nil }
    return DataCache.fingerprints(folder).map { DataFingerprint(sources: $0) }
  }
}

/// Columns the engine derives from the loaded data (spend allocation, first purchase days,
/// narrow copies of codes and values), kept beside the columnar cache
/// (`FOLDER/.cq-cache/derived-NAME.cqd`) so that a fresh process reads them rather than
/// computing them again.
///
/// A file is trusted only when its format version is this one, the source files still have
/// the fingerprints it was written from (size, modification time, hashes of their ends: those
/// of `DataCache`), and every chunk's checksum is right; otherwise it is ignored (and rewritten by
/// the next computation). Writes go to a temporary file renamed into place, so a reader never
/// sees half a file. Trouble never fails a query: a cache that cannot be read or written is
/// just not used.
///
/// Layout (little-endian): magic `CQDERIV\0`, format version (u32), table-of-contents length
/// (u64); the table of contents (`CacheEncoder`: the name, the source fingerprints, the array
/// count and per array its kind, element count, byte offset in the file and one `checksum`
/// per `chunkBytes` of it); then the arrays. An array of `DataCache.mappedBlockMinimum` bytes
/// or more starts where a fresh array's first element falls within a page, so a reader maps
/// its pages from the page cache instead of copying them; the chunk checksums are checked on
/// every core at once.
public enum DerivedCache {
  /// Bump whenever the layout or the meaning of a stored derived column changes.
  // 1: allocation per weight (per-row shares, unattributed payouts, keys), first purchase days
  // 3: arrays at explicit (page-aligned when large) offsets, a checksum per chunk; u16 arrays
  // 4: 256 KiB chunks
  static let formatVersion: UInt32 = 4
  static let magic: [UInt8] = Array("CQDERIV\0".utf8)
  /// Bytes checked as one unit: small enough to stay in a core's cache between its check and
  /// its use (``DerivedCheck``).
  public static let chunkBytes = 1 << 18

  /// A checksum of one chunk, about as fast as memory delivers.
  ///
  /// Fletcher's, on eight 64-bit lanes: each 64-byte stripe is added to the first sums, which
  /// are added to the second, so a changed byte or two stripes swapped change it. The check a
  /// fresh process's first query pays stays a fraction of the query. It guards against
  /// damage, not tampering (the sources' fingerprints decide which data a file describes).
  ///
  /// - Complexity: O(*n*) in the bytes; no allocation.
  static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var a = SIMD8<UInt64>(repeating: 0)
    var b = SIMD8<UInt64>(repeating: 0)
    guard let base = bytes.baseAddress else { return 0x6375_6d73 }
    let stripes = bytes.count / 64
    for i in 0..<stripes {
      let v = base.loadUnaligned(fromByteOffset: i &* 64, as: SIMD8<UInt64>.self)
      a &+= SIMD8(
        v[0].littleEndian, v[1].littleEndian, v[2].littleEndian, v[3].littleEndian,
        v[4].littleEndian, v[5].littleEndian, v[6].littleEndian, v[7].littleEndian)
      b &+= a
    }
    var last = [UInt8](repeating: 0, count: 64)
    for i in (stripes * 64)..<bytes.count { last[i - stripes * 64] = bytes[i] }
    last.withUnsafeBytes { tail in
      let v = tail.loadUnaligned(as: SIMD8<UInt64>.self)
      a &+= SIMD8(
        v[0].littleEndian, v[1].littleEndian, v[2].littleEndian, v[3].littleEndian,
        v[4].littleEndian, v[5].littleEndian, v[6].littleEndian, v[7].littleEndian)
      b &+= a
    }
    var h = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
    for i in 0..<8 {
      h = (h ^ a[i]) &* 0xBF58_476D_1CE4_E5B9
      h = (h ^ (h >> 31) ^ b[i]) &* 0x94D0_49BB_1331_11EB
    }
    return h ^ (h >> 29)
  }

  public static func path(_ folder: String, _ name: String) -> String {
    DataCache.join(DataCache.join(folder, DataCache.folderName), "derived-\(name).cqd")
  }

  /// One array of a file, as its table of contents describes it.
  private struct Entry {
    var kind: UInt8
    var count: Int
    var offset: Int
    var hashes: [UInt64]
    var width: Int { [1, 4, 8, 2][Int(kind)] }
  }

  /// The arrays stored as `name` for the data in `folder` (as `data` fingerprinted it when it
  /// was loaded; nil: as it is now), or nil.
  ///
  /// - Complexity: O(*n*) in the stored bytes, checked once on every core; large arrays are
  ///   mapped from the page cache rather than copied.
  public static func read(
    folder: String, name: String, data: DataFingerprint? = nil
  ) -> [DerivedArray]? {
    read(folder: folder, name: name, data: data, deferringChecks: false)?.arrays
  }

  /// ``read(folder:name:data:)``; with `deferringChecks`, the arrays' chunks are left for the
  /// caller to check as it first reads them (``DerivedCheck``): a scan that checks each chunk
  /// just before it uses it reads the bytes from memory once, not twice.
  ///
  /// - Complexity: O(1) per mapped array and O(*n*) per copied one when deferring (the checks
  ///   come later); else as `read`.
  public static func read(
    folder: String, name: String, data: DataFingerprint?, deferringChecks: Bool
  ) -> (arrays: [DerivedArray], check: DerivedCheck?)? {
    guard !folder.isEmpty, CachePolicy.fromEnvironment == .use,
      let current = data?.sources ?? DataCache.fingerprints(folder),
      let file = CacheFileHandle.openForReading(path(folder, name)), let size = file.size,
      size >= 20
    else { return nil }
    guard let header = try? file.bytes(count: 20, at: 0), Array(header[0..<8]) == magic else {
      return nil
    }
    var d = CacheDecoder(Array(header[8..<20]))
    guard let version = try? d.u32(), version == formatVersion, let tocLength = try? d.count(),
      tocLength <= size - 20, let toc = try? file.bytes(count: tocLength, at: 20)
    else { return nil }
    var t = CacheDecoder(toc)
    var entries: [Entry] = []
    do throws(CacheRejection) {
      guard try t.string() == name else { return nil }
      let sourceCount = try t.count()
      guard sourceCount == current.count else { return nil }
      for f in current { guard try SourceFingerprint.decode(&t) == f else { return nil } }
      let arrays = try t.count()
      guard arrays <= 64 else { return nil }
      for _ in 0..<arrays {
        let kind = try t.u8()
        guard kind <= 3 else { return nil }
        let count = try t.count()
        let offset = try t.count()
        var e = Entry(kind: kind, count: count, offset: offset, hashes: [])
        guard offset >= 20 + tocLength, offset <= size, count <= (size - offset) / e.width
        else { return nil }
        let chunks = try t.count()
        guard chunks == (count * e.width + chunkBytes - 1) / chunkBytes else { return nil }
        for _ in 0..<chunks { e.hashes.append(try t.u64()) }
        entries.append(e)
      }
    } catch {
      return nil
    }
    // Map each large array's pages where its buffer allows; then every chunk is read (when
    // not mapped) and checked on every core, while it is in the CPU cache.
    var out: [DerivedArray] = []
    var buffers: [UnsafeMutableRawBufferPointer] = []
    var mapped: [Bool] = []
    for e in entries {
      let (array, bytes, isMapped) = allocate(e, from: file)
      out.append(array)
      buffers.append(bytes)
      mapped.append(isMapped)
    }
    if deferringChecks {
      // Arrays that could not be mapped (small ones) are read now and checked later too.
      for (i, e) in entries.enumerated() where !mapped[i] {
        if let base = buffers[i].baseAddress,
          !file.read(into: base, count: buffers[i].count, at: e.offset)
        {
          return nil
        }
      }
      _ = futimens(file.fd, nil)
      let check = DerivedCheck(
        arrays: out, bytes: buffers.map { UnsafeRawBufferPointer($0) },
        sums: entries.map(\.hashes))
      return (out, check)
    }
    var jobs: [(array: Int, chunk: Int)] = []
    for (i, e) in entries.enumerated() { for c in e.hashes.indices { jobs.append((i, c)) } }
    let failed = Flag()
    let checks = jobs
    nonisolated(unsafe) let targets = buffers
    let skipRead = mapped
    let hashes = entries.map(\.hashes)
    let offsets = entries.map(\.offset)
    let threads = max(1, min(checks.count, 8))
    // Positioned reads of one descriptor from several threads are safe (`pread`).
    nonisolated(unsafe) let source = file
    withExtendedLifetime((out, file)) {
      DispatchQueue.concurrentPerform(iterations: threads) { part in
        var j = part
        while j < checks.count {
          let (a, c) = checks[j]
          let all = targets[a]
          let lo = c * chunkBytes
          let hi = min(all.count, lo + chunkBytes)
          if let base = all.baseAddress, !skipRead[a],
            !source.read(into: base + lo, count: hi - lo, at: offsets[a] + lo)
          {
            failed.set()
            return
          }
          if checksum(UnsafeRawBufferPointer(rebasing: all[lo..<hi])) != hashes[a][c] {
            failed.set()
            return
          }
          j += threads
        }
      }
    }
    if failed.isSet { return nil }
    // Recently read files are the last to go when the narrow copies exceed their budget.
    _ = futimens(file.fd, nil)
    return (out, nil)
  }

  /// A set-once flag shared by the checking threads.
  private final class Flag: @unchecked Sendable {
    // Sendable by its lock: `value` is read and written only under it.
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
  }

  /// A new array for entry `e`, its bytes (valid while the array lives, to be filled by the
  /// caller unless mapped) and whether its pages were mapped from `file`.
  ///
  /// The elements are plain integers, so any bytes are valid values before they are checked.
  private static func allocate(
    _ e: Entry, from file: CacheFileHandle
  ) -> (DerivedArray, UnsafeMutableRawBufferPointer, Bool) {
    func make<T: FixedWidthInteger>(_: T.Type) -> (
      ContiguousArray<T>, UnsafeMutableRawBufferPointer, Bool
    ) {
      var mapped = false
      var bytes = UnsafeMutableRawBufferPointer(start: nil, count: 0)
      // A large array asks for more than glibc's largest mmap threshold (32 MiB), so it is a
      // mapping of its own whose first element falls where `elementPageOffset` says, and its
      // pages can be mapped from the file; the capacity beyond `count` is never touched.
      let length = e.count * MemoryLayout<T>.stride
      let capacity =
        length >= DataCache.mappedBlockMinimum
        ? max(e.count, (33 << 20) / MemoryLayout<T>.stride) : e.count
      let a = ContiguousArray<T>(unsafeUninitializedCapacity: capacity) { buffer, n in
        n = 0
        guard e.count > 0, let base = buffer.baseAddress else { return }
        let raw = UnsafeMutableRawPointer(base)
        mapped = DataCache.mapPages(
          into: raw, BlockRef(offset: e.offset, count: length, hash: 0), from: file)
        // No huge pages for a copied array: faulting in 2 MiB pages (zeroed, maybe compacted)
        // cost more than the 4 KiB ones a read of a few MiB touches.
        n = e.count
      }
      // The storage does not move while the array lives (the caller keeps it until filled).
      a.withUnsafeBytes { bytes = UnsafeMutableRawBufferPointer(mutating: $0) }
      return (a, bytes, mapped)
    }
    switch e.kind {
    case 0:
      let (a, b, m) = make(UInt8.self)
      return (.u8(a), b, m)
    case 1:
      let (a, b, m) = make(Int32.self)
      return (.i32(a), b, m)
    case 2:
      let (a, b, m) = make(Int64.self)
      return (.i64(a), b, m)
    default:
      let (a, b, m) = make(UInt16.self)
      return (.u16(a), b, m)
    }
  }

  /// Stores `arrays` as `name` for the data in `folder` (as `data` fingerprinted it when it was
  /// loaded; nil: as it is now), when the folder has a cache folder (large data), the sources
  /// can be fingerprinted and still are as `data` says; best effort.
  ///
  /// - Complexity: O(*n*) in the arrays' bytes.
  public static func write(
    folder: String, name: String, data: DataFingerprint? = nil, _ arrays: [DerivedArray]
  ) {
    guard !folder.isEmpty, CachePolicy.fromEnvironment == .use,
      access(DataCache.join(folder, DataCache.folderName), W_OK) == 0,
      let sources = data?.sources ?? DataCache.fingerprints(folder)
    else { return }
    // Offsets first: the table of contents' length does not depend on them (fixed widths).
    var probe = CacheEncoder()
    probe.string(name)
    probe.int(sources.count)
    for f in sources { f.encode(into: &probe) }
    probe.int(arrays.count)
    var tocLength = probe.bytes.count
    for a in arrays {
      let bytes = a.withUnsafeBytes(\.count)
      tocLength += 1 + 8 + 8 + 8 + 8 * ((bytes + chunkBytes - 1) / chunkBytes)
    }
    var offsets: [Int] = []
    var end = 20 + tocLength
    let page = DataCache.pageSize
    for a in arrays {
      let bytes = a.withUnsafeBytes(\.count)
      if bytes >= DataCache.mappedBlockMinimum, page > 0 {
        let want = DataCache.elementPageOffset
        end += ((want - end % page) % page + page) % page
      }
      offsets.append(end)
      end += bytes
    }
    var toc = probe
    for (a, offset) in zip(arrays, offsets) {
      a.withUnsafeBytes { raw in
        toc.u8(a.kind.tag)
        toc.int(raw.count / a.kind.width)
        toc.int(offset)
        let chunks = (raw.count + chunkBytes - 1) / chunkBytes
        toc.int(chunks)
        for c in 0..<chunks {
          let lo = c * chunkBytes
          let chunk = UnsafeRawBufferPointer(rebasing: raw[lo..<min(raw.count, lo + chunkBytes)])
          toc.u64(checksum(chunk))
        }
      }
    }
    guard toc.bytes.count == tocLength else { return }
    var header = CacheEncoder()
    header.u32(formatVersion)
    header.int(toc.bytes.count)
    let final = path(folder, name)
    let temporary = final + ".\(getpid()).tmp"
    guard case .success(let file) = CacheFileHandle.create(temporary) else { return }
    var ok =
      magic.withUnsafeBytes { file.write($0, at: 0) }
      && header.bytes.withUnsafeBytes { file.write($0, at: 8) }
      && toc.bytes.withUnsafeBytes { file.write($0, at: 20) }
    for (a, offset) in zip(arrays, offsets) where ok {
      ok = a.withUnsafeBytes { file.write($0, at: offset) }
    }
    ok = ok && ftruncate(file.fd, off_t(end)) == 0
    // Sources changed while the columns were derived: the file would describe other data.
    if ok, DataCache.fingerprints(folder) == sources, rename(temporary, final) == 0 { return }
    unlink(temporary)
  }

  /// Deletes the least recently read files whose names start with `derived-PREFIX` until
  /// those left hold at most `budget` bytes (narrow copies are many, one per grain).
  ///
  /// - Complexity: O(*f* log *f*) in the cache folder's files.
  public static func trim(folder: String, prefix: String, keepingBytes budget: Int) {
    let directory = DataCache.join(folder, DataCache.folderName)
    guard !folder.isEmpty,
      let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
    else { return }
    var files: [(path: String, size: Int, used: Double)] = []
    let now = Double(time(nil))
    for n in names where n.hasPrefix("derived-") {
      let p = DataCache.join(directory, n)
      var info = stat()
      guard stat(p, &info) == 0 else { continue }
      #if canImport(Darwin)
      let used = Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
      #else
      let used = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
      #endif
      // A temporary file an hour old was left by a process that stopped while writing it.
      if n.hasSuffix(".tmp"), now - used > 3600 {
        unlink(p)
        continue
      }
      guard n.hasPrefix("derived-\(prefix)"), n.hasSuffix(".cqd") else { continue }
      files.append((p, Int(info.st_size), used))
    }
    var total = files.reduce(0) { $0 + $1.size }
    for f in files.sorted(by: { $0.used < $1.used }) where total > budget {
      if unlink(f.path) == 0 { total -= f.size }
    }
  }
}

/// The checks of a derived file's mapped arrays, made chunk by chunk as a scan reaches them
/// (``DerivedCache/read(folder:name:data:deferringChecks:)``): each chunk's checksum, and for
/// arrays given a limit, that every element is below it, before any of its elements is used.
///
/// Sendable by its lock: chunk states are read and written only under `lock`; the arrays it
/// keeps alive are immutable, and the checksums are computed on those immutable bytes.
public final class DerivedCheck: @unchecked Sendable {
  private let lock = NSLock()
  private let arrays: [DerivedArray]
  private let bytes: [UnsafeRawBufferPointer]
  private let sums: [[UInt64]]
  /// Per array and chunk: 0 unchecked, 1 good, 2 bad.
  private var states: [[UInt8]]
  private var limits: [UInt64?]
  private var unchecked: Int
  public private(set) var failed = false

  init(arrays: [DerivedArray], bytes: [UnsafeRawBufferPointer], sums: [[UInt64]]) {
    self.arrays = arrays
    self.bytes = bytes
    self.sums = sums
    states = sums.map { [UInt8](repeating: 0, count: $0.count) }
    limits = Array(repeating: nil, count: arrays.count)
    unchecked = sums.reduce(0) { $0 + $1.count }
  }

  /// Every element of array `index` must also be below `limit` (codes that index arrays).
  public func requireBelow(_ limit: Int, array index: Int) {
    lock.withLock { limits[index] = UInt64(max(0, limit)) }
  }

  /// Whether every chunk has been checked and found good.
  public var isComplete: Bool { lock.withLock { unchecked == 0 && !failed } }

  /// Checks the chunks of array `index` that hold `elements` (`width` bytes each) and were not
  /// checked yet; false when any of them is bad.
  ///
  /// - Complexity: O(*n*) in the bytes of the chunks not yet checked.
  public func verify(array index: Int, elements: Range<Int>, width: Int) -> Bool {
    let all = bytes[index]
    let lo = min(all.count, elements.lowerBound * width)
    let hi = min(all.count, elements.upperBound * width)
    guard hi > lo else { return !lock.withLock { failed } }
    let chunkBytes = DerivedCache.chunkBytes
    let limit = lock.withLock { limits[index] }
    for c in (lo / chunkBytes)...((hi - 1) / chunkBytes) {
      let state = lock.withLock { states[index][c] }
      if state == 2 { return false }
      if state == 1 { continue }
      let start = c * chunkBytes
      let chunk = UnsafeRawBufferPointer(rebasing: all[start..<min(all.count, start + chunkBytes)])
      var good = DerivedCache.checksum(chunk) == sums[index][c]
      if good, let limit { good = Self.allBelow(chunk, limit, array: arrays[index]) }
      lock.withLock {
        if states[index][c] == 0 {
          states[index][c] = good ? 1 : 2
          unchecked -= 1
        }
        if !good { failed = true }
      }
      if !good { return false }
    }
    return true
  }

  private static func allBelow(
    _ chunk: UnsafeRawBufferPointer, _ limit: UInt64, array: DerivedArray
  ) -> Bool {
    guard let base = chunk.baseAddress else { return true }
    func largest<T: FixedWidthInteger>(_: T.Type) -> T {
      let values = UnsafeBufferPointer(
        start: base.assumingMemoryBound(to: T.self), count: chunk.count / MemoryLayout<T>.stride)
      var m: T = 0
      for v in values { m = Swift.max(m, v) }
      return m
    }
    switch array {
    case .u8: return UInt64(largest(UInt8.self)) < limit
    case .u16: return UInt64(largest(UInt16.self)) < limit
    case .i32:
      // A negative code is as bad as a large one: compare as unsigned.
      var m: UInt32 = 0
      let values = UnsafeBufferPointer(
        start: base.assumingMemoryBound(to: Int32.self), count: chunk.count / 4)
      for v in values { m = Swift.max(m, UInt32(bitPattern: v)) }
      return UInt64(m) < limit
    case .i64:
      var m: UInt64 = 0
      let values = UnsafeBufferPointer(
        start: base.assumingMemoryBound(to: Int64.self), count: chunk.count / 8)
      for v in values { m = Swift.max(m, UInt64(bitPattern: v)) }
      return m < limit
    }
  }
}
