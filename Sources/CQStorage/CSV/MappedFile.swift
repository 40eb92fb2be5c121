#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file's bytes, mapped read-only (or read into memory where mapping is refused).
///
/// The bytes are only reachable inside `withBytes`, so no pointer outlives the mapping.
final class MappedFile {
  private let base: UnsafeMutableRawPointer?
  let count: Int
  private let mapped: Bool
  /// The file's modification time when it was opened (seconds, nanoseconds).
  let modified: (seconds: Int, nanoseconds: Int)

  enum OpenFailure: Error {
    case notFound
    case failed(String)
  }

  /// Maps `path`; falls back to reading it into memory where mapping is refused.
  ///
  /// Only a regular file (or a link to one) is read: a FIFO, device or socket would block the
  /// load or never end, so it fails at once, as does a symbolic link whose target is missing
  /// (which is not the same as no file: the user meant there to be one).
  /// - Complexity: O(1) for a mapping (pages are read lazily), O(*n*) bytes when read.
  init(path: String) throws(OpenFailure) {
    try MappedFile.checkRegularFile(path)
    // O_NONBLOCK: should the path become a FIFO after the check, opening it must not wait
    // for a writer (the type is checked again below).
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    if fd < 0 {
      let e = errno
      if e == ENOENT { throw .notFound }
      throw .failed(MappedFile.reason(e))
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .failed(MappedFile.reason(errno)) }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw .failed("is a folder") }
    if (info.st_mode & S_IFMT) != S_IFREG { throw .failed(MappedFile.notRegular(info)) }
    let size = Int(info.st_size)
    modified = MappedFile.modificationTime(info)
    if size == 0 {
      count = 0
      base = nil
      mapped = false
      return
    }
    let flags = size < MappedFile.populateLimit ? MappedFile.flags : MAP_PRIVATE
    if let p = mmap(nil, size, PROT_READ, flags, fd, 0), p != MAP_FAILED {
      base = p
      count = size
      mapped = true
      return
    }
    // Not mappable (a pipe, some file systems): read it.
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
    var done = 0
    while done < size {
      let r = read(fd, buffer + done, size - done)
      if r < 0 {
        if errno == EINTR { continue }
        let e = errno
        buffer.deallocate()
        throw .failed(MappedFile.reason(e))
      }
      if r == 0 { break }
      done += r
    }
    base = buffer
    mapped = false
    count = done
  }

  /// A copy in memory of `count` bytes at `bytes`, changed by `edit`.
  private init(
    copying bytes: UnsafePointer<UInt8>, count: Int,
    modified: (seconds: Int, nanoseconds: Int), edit: (UnsafeMutablePointer<UInt8>, Int) -> Void
  ) {
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
    let typed = buffer.bindMemory(to: UInt8.self, capacity: max(count, 1))
    typed.update(from: bytes, count: count)
    edit(typed, count)
    base = buffer
    self.count = count
    mapped = false
    self.modified = modified
  }

  /// A copy of the file in memory with every bare CR (one not followed by LF) made LF, when
  /// its first record (after a byte-order mark) ends in a bare CR; nil otherwise.
  ///
  /// Classic Mac line endings would otherwise make the whole file one header record. The copy
  /// has the file's length, so byte offsets (text read back later) and line numbers hold.
  /// - Complexity: O(*k*) in the first record's bytes; O(*n*) more for a copy.
  func withBareCRsAsLF() -> MappedFile? {
    withBytes { p, n in
      let start = n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0
      guard CSVTokenizer.endsRecordsWithBareCR(p, start, n) else { return nil }
      return MappedFile(copying: p, count: n, modified: modified, edit: CSVTokenizer.makeBareCRsLF)
    }
  }

  deinit {
    guard let base else { return }
    if mapped { munmap(base, count) } else { base.deallocate() }
  }

  /// Runs `body` with the file's bytes.
  func withBytes<R, E: Error>(_ body: (UnsafePointer<UInt8>, Int) throws(E) -> R) throws(E) -> R {
    guard let base, count > 0 else {
      let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
      defer { empty.deallocate() }
      return try body(empty, 0)
    }
    return try body(UnsafePointer(base.assumingMemoryBound(to: UInt8.self)), count)
  }

  /// Lets the system drop the pages wholly inside `range` from this process's memory.
  ///
  /// The bytes stay readable: a later read maps them again from the file. A parser calls this
  /// behind itself so a large file is not resident all at once. Does nothing for a file read
  /// into memory.
  /// - Complexity: O(*pages*) in the range.
  func discard(_ range: Range<Int>) {
    guard mapped, let base else { return }
    let page = MappedFile.pageSize
    let lower = (max(range.lowerBound, 0) + page - 1) / page * page
    let upper = min(range.upperBound, count) / page * page
    guard upper > lower else { return }
    _ = madvise(base + lower, upper - lower, MappedFile.dontNeed)
  }

  private static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)
  #if canImport(Darwin)
  private static let dontNeed = MADV_DONTNEED
  #else
  private static let dontNeed = Int32(MADV_DONTNEED)
  #endif

  /// Files below this size are pre-faulted whole; larger ones are faulted in as they are read
  /// (and `discard`ed behind the parser), so they never need to be resident all at once.
  static let populateLimit = 32 << 20

  /// The modification time in `info`.
  static func modificationTime(_ info: stat) -> (seconds: Int, nanoseconds: Int) {
    #if canImport(Darwin)
    (Int(info.st_mtimespec.tv_sec), Int(info.st_mtimespec.tv_nsec))
    #else
    (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
    #endif
  }

  /// Whether a file exists at `path`, or a symbolic link whose target is missing (which
  /// `MappedFile(path:)` then reports).
  static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// Throws `.notFound` when nothing is at `path`, and `.failed` for a symbolic link whose
  /// target is missing, or a FIFO, device or socket (a folder is reported by the caller).
  /// - Complexity: O(1): `lstat` and `stat`, opening nothing.
  static func checkRegularFile(_ path: String) throws(OpenFailure) {
    var link = stat()
    guard lstat(path, &link) == 0 else {
      let e = errno
      if e == ENOENT || e == ENOTDIR { throw .notFound }
      throw .failed(reason(e))
    }
    var info = stat()
    guard stat(path, &info) == 0 else {
      let e = errno
      if (link.st_mode & S_IFMT) == S_IFLNK && (e == ENOENT || e == ENOTDIR) {
        throw .failed(
          "it is a symbolic link to '\(linkTarget(path))', which does not exist; "
            + "fix the link or remove it")
      }
      throw .failed(reason(e))
    }
    let type = info.st_mode & S_IFMT
    if type != S_IFREG && type != S_IFDIR { throw .failed(notRegular(info)) }
  }

  /// `not a regular file (a named pipe); …`: what the file is, and the fix.
  static func notRegular(_ info: stat) -> String {
    let kind: String
    switch info.st_mode & S_IFMT {
    case S_IFIFO: kind = "a named pipe"
    case S_IFCHR, S_IFBLK: kind = "a device"
    case S_IFSOCK: kind = "a socket"
    default: kind = "not a file"
    }
    return "not a regular file (\(kind)); save the data as a regular CSV file"
  }

  /// The target a symbolic link names, as written in the link.
  static func linkTarget(_ path: String) -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink(path, &buffer, buffer.count - 1)
    guard n >= 0 else { return "?" }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Whether `path` is an existing folder.
  static func isFolder(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// On Linux small files are pre-faulted in one call (sharing the page cache) rather than a
  /// fault per page.
  #if canImport(Glibc)
  private static let flags = MAP_PRIVATE | MAP_POPULATE
  #else
  private static let flags = MAP_PRIVATE
  #endif

  static func reason(_ code: Int32) -> String {
    guard let s = strerror(code) else { return "error \(code)" }
    let text = String(cString: s)
    return text.prefix(1).lowercased() + text.dropFirst()
  }
}
