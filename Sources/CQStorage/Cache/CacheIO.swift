#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor with whole-buffer positioned reads and writes; closed on deinit.
final class CacheFileHandle {
  let fd: Int32

  private init(fd: Int32) { self.fd = fd }

  deinit { close(fd) }

  /// Opens `path` for reading, or nil.
  static func openForReading(_ path: String) -> CacheFileHandle? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    return fd < 0 ? nil : CacheFileHandle(fd: fd)
  }

  /// Creates (or truncates) `path` for writing, or returns the reason it cannot.
  static func create(_ path: String) -> Result<CacheFileHandle, CacheRejection> {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 { return .failure(CacheRejection("cannot create '\(path)': \(errorText(errno))")) }
    return .success(CacheFileHandle(fd: fd))
  }

  /// The file's size in bytes, or nil.
  var size: Int? {
    var info = stat()
    guard fstat(fd, &info) == 0 else { return nil }
    return Int(info.st_size)
  }

  /// Reads exactly `count` bytes at `offset` into `buffer`; false when the file is short or
  /// a read fails.
  func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Bool {
    var done = 0
    while done < count {
      let r = pread(fd, buffer + done, count - done, off_t(offset + done))
      if r < 0 {
        if errno == EINTR { continue }
        return false
      }
      if r == 0 { return false }
      done += r
    }
    return true
  }

  /// Exactly `count` bytes at `offset`.
  func bytes(count: Int, at offset: Int) throws(CacheRejection) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    let ok = bytes.withUnsafeMutableBytes { buffer in
      guard let base = buffer.baseAddress else { return true }
      return read(into: base, count: count, at: offset)
    }
    guard ok else { throw CacheRejection("file is short") }
    return bytes
  }

  /// Writes all of `buffer` at `offset`; false when a write fails (disk full, I/O error).
  func write(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> Bool {
    guard let base = buffer.baseAddress else { return true }
    var done = 0
    while done < buffer.count {
      let w = pwrite(fd, base + done, buffer.count - done, off_t(offset + done))
      if w < 0 {
        if errno == EINTR { continue }
        return false
      }
      if w == 0 { return false }
      done += w
    }
    return true
  }

  static func errorText(_ code: Int32) -> String {
    guard let s = strerror(code) else { return "error \(code)" }
    let text = String(cString: s)
    return text.prefix(1).lowercased() + text.dropFirst()
  }
}

/// Size, modification time and a hash of the first and last 64 KiB of one source CSV, or the
/// fact that it is absent: what a cache must match to be trusted.
struct SourceFingerprint: Equatable, Sendable {
  var name: String
  var present: Bool
  var size: Int
  var modifiedSeconds: Int
  var modifiedNanoseconds: Int
  var hash: UInt64

  /// Bytes hashed at each end of a file (a file of up to twice this is hashed whole).
  static let edgeBytes = 64 * 1024

  /// The fingerprint of `name` in `folder`; nil when the file exists but cannot be read.
  ///
  /// - Complexity: O(1): one `stat` and at most 128 KiB read.
  static func take(folder: String, name: String) -> SourceFingerprint? {
    let path = DataCache.join(folder, name)
    // O_NONBLOCK: a FIFO in the folder must not block here (it is not a regular file, so no
    // cache is trusted and the loader reports it).
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    if fd < 0 {
      guard errno == ENOENT || errno == ENOTDIR else { return nil }
      // A symbolic link whose target is missing is not an absent file: the loader reports it.
      var link = stat()
      guard lstat(path, &link) != 0 else { return nil }
      return SourceFingerprint(
        name: name, present: false, size: 0, modifiedSeconds: 0, modifiedNanoseconds: 0, hash: 0)
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    let size = Int(info.st_size)
    #if canImport(Darwin)
    let seconds = Int(info.st_mtimespec.tv_sec)
    let nanoseconds = Int(info.st_mtimespec.tv_nsec)
    #else
    let seconds = Int(info.st_mtim.tv_sec)
    let nanoseconds = Int(info.st_mtim.tv_nsec)
    #endif
    var hasher = CacheHash(seed: 0x6371_2d73_6f75_7263)
    hasher.update(UInt64(size))
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 2 * edgeBytes, alignment: 16)
    defer { buffer.deallocate() }
    // Whole when small, else the first and last `edgeBytes` (both multiples of 32).
    let ranges: [(offset: Int, count: Int)] =
      size <= 2 * edgeBytes ? [(0, size)] : [(0, edgeBytes), (size - edgeBytes, edgeBytes)]
    for range in ranges {
      var done = 0
      while done < range.count {
        let r = pread(fd, buffer + done, range.count - done, off_t(range.offset + done))
        if r < 0 && errno == EINTR { continue }
        guard r > 0 else { return nil }
        done += r
      }
      hasher.update(buffer, range.count)
    }
    return SourceFingerprint(
      name: name, present: true, size: size, modifiedSeconds: seconds,
      modifiedNanoseconds: nanoseconds, hash: hasher.value)
  }

  func encode(into e: inout CacheEncoder) {
    e.string(name)
    e.u8(present ? 1 : 0)
    e.int(size)
    e.int(modifiedSeconds)
    e.int(modifiedNanoseconds)
    e.u64(hash)
  }

  static func decode(_ d: inout CacheDecoder) throws(CacheRejection) -> SourceFingerprint {
    SourceFingerprint(
      name: try d.string(), present: try d.u8() != 0, size: try d.int(),
      modifiedSeconds: try d.int(), modifiedNanoseconds: try d.int(), hash: try d.u64())
  }
}
