#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps fresh memory a few megabytes at a time instead of one page fault per page.
///
/// Filling a reserved column touches its pages one by one, and each first touch is a page
/// fault; at scale 500 the faults cost about a quarter of the load. `madvise(MADV_POPULATE_WRITE)`
/// (Linux 5.14) maps a whole range in one call. Elsewhere, or on an older kernel, nothing
/// happens and the pages fault in as before; the memory's contents never change.
enum Prefault {
  /// Ranges smaller than this are left to fault in.
  static let minimum = 256 << 10
  /// The most mapped by one call.
  static let step = 4 << 20

  /// Maps the whole pages of `bytes` bytes at `base` for writing.
  ///
  /// - Complexity: O(*pages*), in one system call.
  static func populate(_ base: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    guard bytes >= minimum else { return }
    let page = 4096
    let address = Int(bitPattern: base)
    let start = (address + page - 1) & ~(page - 1)
    let end = (address + bytes) & ~(page - 1)
    // A step at a time: the call holds the address space's lock, which another thread's
    // munmap waits for.
    var from = start
    while from < end {
      let to = min(end, from + step)
      guard let p = UnsafeMutableRawPointer(bitPattern: from) else { return }
      _ = madvise(p, to - from, 23)  // MADV_POPULATE_WRITE (not in every libc's headers)
      from = to
    }
    #endif
  }

  /// Maps the reserved, unwritten room for `count` more elements after `array`'s end.
  ///
  /// - Complexity: O(*pages*).
  static func populate<T>(_ array: inout ContiguousArray<T>, room count: Int) {
    let stride = MemoryLayout<T>.stride
    let used = array.count
    let bytes = min(count, array.capacity - used) * stride
    guard bytes >= minimum else { return }
    array.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      populate(UnsafeMutableRawPointer(base + used), bytes: bytes)
    }
  }
}

/// Keeps a window of mapped pages just ahead of a growing array's end.
struct PrefaultCursor {
  /// The address of the storage last mapped ahead, and the byte offset mapped up to.
  private var base = 0
  private var end = 0

  /// Bytes mapped ahead at a time.
  static let window = 4 << 20

  /// Maps the next window of `array`'s reserved room when its end comes near the last one.
  ///
  /// - Complexity: O(1) unless a window is mapped, then O(*pages*) of the window.
  mutating func advance<T>(_ array: inout ContiguousArray<T>) {
    let stride = MemoryLayout<T>.stride
    let used = array.count * stride
    let capacity = array.capacity * stride
    guard capacity - used >= Prefault.minimum else { return }
    array.withUnsafeMutableBufferPointer { buffer in
      guard let pointer = buffer.baseAddress else { return }
      let address = Int(bitPattern: pointer)
      if address != base {
        // New storage (or the first call): nothing ahead is mapped yet.
        base = address
        end = used
      }
      guard used + Self.window / 2 > end else { return }
      let from = max(used, end)
      let to = min(capacity, used + Self.window)
      guard to > from else { return }
      Prefault.populate(UnsafeMutableRawPointer(pointer) + from, bytes: to - from)
      end = to
    }
  }
}
