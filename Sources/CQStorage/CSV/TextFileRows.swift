#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a CSV file's free-text field lives, so its rows can be read back from the file on
/// demand instead of being held in memory.
///
/// Free text (`posts.url`, `posts.caption`) is mostly unique per row and no statement
/// aggregates it: only `sample` shows it. Holding it would double the memory of a large data
/// set, so the loader keeps, for every batch of records it parsed, the row number and byte
/// offset where the batch starts (an *anchor*), and `strings(_:)` re-reads the few records it
/// needs. The file must still be what was loaded: its size and modification time are checked
/// on every read, and a changed file is an error that says to load again, never wrong text.
public struct TextFileRows: Sendable, Equatable {
  /// The CSV file, as the loader was given it.
  public var path: String
  /// The field's position in each record.
  public var field: Int
  /// The number of fields per record.
  public var width: Int
  /// The file's size in bytes when it was loaded.
  public var size: Int
  /// The file's modification time when it was loaded.
  public var modified: Modified
  /// The rows in the file.
  public var rowCount: Int
  /// Anchors: record `anchorRows[k]` starts at byte `anchorOffsets[k]`; ascending, the first
  /// at row 0 (when there are rows).
  public var anchorRows: ContiguousArray<Int64>
  /// Anchors: the byte offset where record `anchorRows[k]` starts.
  public var anchorOffsets: ContiguousArray<Int64>

  /// A file's modification time, as `stat` reports it.
  public struct Modified: Sendable, Equatable {
    /// Whole seconds since 1970-01-01 00:00 UTC.
    public var seconds: Int
    /// Nanoseconds past `seconds`.
    public var nanoseconds: Int

    /// Creates a modification time.
    public init(seconds: Int, nanoseconds: Int) {
      self.seconds = seconds
      self.nanoseconds = nanoseconds
    }
  }

  /// Creates the rows of `field` in the file at `path`, as the loader found them.
  public init(
    path: String, field: Int, width: Int, size: Int, modified: Modified, rowCount: Int,
    anchorRows: ContiguousArray<Int64>, anchorOffsets: ContiguousArray<Int64>
  ) {
    self.path = path
    self.field = field
    self.width = width
    self.size = size
    self.modified = modified
    self.rowCount = rowCount
    self.anchorRows = anchorRows
    self.anchorOffsets = anchorOffsets
  }

  /// Whether the anchors are well formed for `rowCount` rows in a file of `size` bytes (a
  /// cache that fails this is refused).
  var isConsistent: Bool {
    guard anchorRows.count == anchorOffsets.count, field >= 0, field < width, width <= 1 << 16
    else {
      return false
    }
    guard let first = anchorRows.first else { return rowCount == 0 }
    guard first == 0 else { return false }
    for k in anchorRows.indices {
      guard anchorRows[k] < Int64(rowCount), anchorOffsets[k] >= 0, anchorOffsets[k] < Int64(size)
      else { return false }
      if k > 0 && (anchorRows[k] <= anchorRows[k - 1] || anchorOffsets[k] <= anchorOffsets[k - 1]) {
        return false
      }
    }
    return true
  }

  /// The text of rows `range` (clamped to the rows there are), read from the file.
  ///
  /// - Throws: `LoadError` (code `.io`) when the file cannot be read or is no longer the file
  ///   that was loaded (its size or modification time changed, or its records no longer parse).
  /// - Complexity: O(*b*) in the bytes from the anchor at or before `range.lowerBound` to the
  ///   one after `range.upperBound`: about 1,024 records more than the rows asked for.
  public func strings(_ range: Range<Int>) throws(LoadError) -> [String] {
    let lower = max(0, range.lowerBound)
    let upper = min(rowCount, range.upperBound)
    guard lower < upper else { return [] }
    // A FIFO put in its place must not block.
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw LoadError.io(file: path, reason: MappedFile.reason(errno)) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw LoadError.io(file: path, reason: MappedFile.reason(errno))
    }
    let now = MappedFile.modificationTime(info)
    guard Int(info.st_size) == size, now.seconds == modified.seconds,
      now.nanoseconds == modified.nanoseconds
    else { throw changed }

    // The last anchor at or before `lower`, and the first one at or after `upper`.
    let start = lastAnchor(atOrBefore: lower)
    var stop = start + 1
    while stop < anchorRows.count && anchorRows[stop] < Int64(upper) { stop += 1 }
    let from = Int(anchorOffsets[start])
    let to = stop < anchorOffsets.count ? Int(anchorOffsets[stop]) : size
    let count = to - from
    guard count > 0 else { throw changed }
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
    defer { buffer.deallocate() }
    var done = 0
    while done < count {
      let r = pread(fd, buffer + done, count - done, off_t(from + done))
      if r < 0 && errno == EINTR { continue }
      if r < 0 { throw LoadError.io(file: path, reason: MappedFile.reason(errno)) }
      guard r > 0 else { throw changed }
      done += r
    }

    // Records ending in a bare CR were parsed with those CRs made LF: read them so too.
    if endsRecordsWithBareCR(fd) { CSVTokenizer.makeBareCRsLF(buffer, count) }
    var tokenizer = CSVTokenizer(bytes: buffer, start: 0, end: count)
    let batch = RecordBatch(width: width, capacity: TableParser.batchRows)
    var row = Int(anchorRows[start])
    var out: [String] = []
    out.reserveCapacity(upper - lower)
    while row < upper {
      batch.removeAll()
      guard tokenizer.fill(batch) == nil, batch.rowCount > 0 else { throw changed }
      for r in 0..<batch.rowCount where row + r >= lower && row + r < upper {
        let f = batch.field(row: r, field, in: buffer)
        out.append(
          String(decoding: UnsafeBufferPointer(start: f.bytes, count: f.count), as: UTF8.self))
      }
      row += batch.rowCount
    }
    return out
  }

  /// Whether the file's first record ends in a bare CR, decided from its first bytes as the
  /// loader decided it (`CSVTokenizer.endsRecordsWithBareCR`).
  /// - Complexity: O(1): at most 64 KiB read.
  private func endsRecordsWithBareCR(_ fd: Int32) -> Bool {
    let count = min(size, CSVTokenizer.lineEndingProbe + 4)
    guard count > 0 else { return false }
    let head = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
    defer { head.deallocate() }
    var done = 0
    while done < count {
      let r = pread(fd, head + done, count - done, off_t(done))
      if r < 0 && errno == EINTR { continue }
      guard r > 0 else { break }
      done += r
    }
    let start = done >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0
    return CSVTokenizer.endsRecordsWithBareCR(head, start, done)
  }

  /// The index of the last anchor whose row is at most `row` (binary search).
  private func lastAnchor(atOrBefore row: Int) -> Int {
    var lo = 0
    var hi = anchorRows.count
    while hi - lo > 1 {
      let mid = (lo + hi) / 2
      if anchorRows[mid] <= Int64(row) { lo = mid } else { hi = mid }
    }
    return lo
  }

  private var changed: LoadError {
    LoadError(
      code: .io, file: path,
      message: "changed since it was loaded; load the folder again to read its text columns")
  }
}
