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
}

/// Columns the engine derives from the loaded data (spend allocation, first purchase days),
/// kept beside the columnar cache (`FOLDER/.cq-cache/derived-NAME.cqd`) so that a fresh
/// process reads them rather than computing them again.
///
/// A file is trusted only when its format version is this one, the source files still have
/// the fingerprints it was written from (size, modification time, hashes of their ends: those
/// of `DataCache`), and every array's hash is right; otherwise it is ignored (and rewritten by
/// the next computation). Writes go to a temporary file renamed into place, so a reader never
/// sees half a file. Trouble never fails a query: a cache that cannot be read or written is
/// just not used.
///
/// Layout (little-endian): magic `CQDERIV\0`, format version (u32), table-of-contents length
/// (u64); the table of contents (`CacheEncoder`: the name, the source fingerprints, the array
/// count and per array its kind, element count and `CacheHash`); then the arrays' bytes back
/// to back.
public enum DerivedCache {
  /// Bump whenever the layout or the meaning of a stored derived column changes.
  // 1: allocation per weight (per-row shares, unattributed payouts, keys), first purchase days
  static let formatVersion: UInt32 = 1
  static let magic: [UInt8] = Array("CQDERIV\0".utf8)

  static func path(_ folder: String, _ name: String) -> String {
    DataCache.join(DataCache.join(folder, DataCache.folderName), "derived-\(name).cqd")
  }

  /// The arrays stored as `name` for the data in `folder` as it is now, or nil.
  ///
  /// - Complexity: O(*n*) in the stored bytes, read and hashed once.
  public static func read(folder: String, name: String) -> [DerivedArray]? {
    guard !folder.isEmpty, CachePolicy.fromEnvironment == .use,
      let current = DataCache.fingerprints(folder),
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
    do throws(CacheRejection) {
      guard try t.string() == name else { return nil }
      let sourceCount = try t.count()
      guard sourceCount == current.count else { return nil }
      for f in current { guard try SourceFingerprint.decode(&t) == f else { return nil } }
      let arrays = try t.count()
      guard arrays <= 64 else { return nil }
      var offset = 20 + tocLength
      var out: [DerivedArray] = []
      for _ in 0..<arrays {
        let kind = try t.u8()
        let count = try t.count()
        let hash = try t.u64()
        let width = kind == 0 ? 1 : kind == 1 ? 4 : 8
        guard kind <= 2, count <= (size - offset) / width else { return nil }
        func load<T: FixedWidthInteger>(_: T.Type) -> ContiguousArray<T>? {
          var ok = false
          let a = ContiguousArray<T>(unsafeUninitializedCapacity: count) { buffer, n in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            if let base = raw.baseAddress, file.read(into: base, count: raw.count, at: offset) {
              ok = CacheHash.of(UnsafeRawBufferPointer(raw)) == hash
            } else {
              ok = count == 0
            }
            n = ok ? count : 0
          }
          return ok ? a : nil
        }
        switch kind {
        case 0:
          guard let a = load(UInt8.self) else { return nil }
          out.append(.u8(a))
        case 1:
          guard let a = load(Int32.self) else { return nil }
          out.append(.i32(a))
        default:
          guard let a = load(Int64.self) else { return nil }
          out.append(.i64(a))
        }
        offset += count * width
      }
      return out
    } catch {
      return nil
    }
  }

  /// Stores `arrays` as `name` for the data in `folder`, when the folder has a cache folder
  /// (large data) and the sources can be fingerprinted; best effort.
  ///
  /// - Complexity: O(*n*) in the arrays' bytes.
  public static func write(folder: String, name: String, _ arrays: [DerivedArray]) {
    guard !folder.isEmpty, CachePolicy.fromEnvironment == .use,
      access(DataCache.join(folder, DataCache.folderName), W_OK) == 0,
      let sources = DataCache.fingerprints(folder)
    else { return }
    var toc = CacheEncoder()
    toc.string(name)
    toc.int(sources.count)
    for f in sources { f.encode(into: &toc) }
    toc.int(arrays.count)
    func bytes<T>(_ a: ContiguousArray<T>) -> UInt64 { a.withUnsafeBytes { CacheHash.of($0) } }
    for a in arrays {
      switch a {
      case .u8(let v):
        toc.u8(0)
        toc.int(v.count)
        toc.u64(bytes(v))
      case .i32(let v):
        toc.u8(1)
        toc.int(v.count)
        toc.u64(bytes(v))
      case .i64(let v):
        toc.u8(2)
        toc.int(v.count)
        toc.u64(bytes(v))
      }
    }
    var header = CacheEncoder()
    header.u32(formatVersion)
    header.int(toc.bytes.count)
    let final = path(folder, name)
    let temporary = final + ".\(getpid()).tmp"
    guard case .success(let file) = CacheFileHandle.create(temporary) else { return }
    var offset = 0
    func put(_ buffer: UnsafeRawBufferPointer) -> Bool {
      defer { offset += buffer.count }
      return file.write(buffer, at: offset)
    }
    var ok =
      magic.withUnsafeBytes(put) && header.bytes.withUnsafeBytes(put)
      && toc.bytes.withUnsafeBytes(put)
    for a in arrays where ok {
      switch a {
      case .u8(let v): ok = v.withUnsafeBytes(put)
      case .i32(let v): ok = v.withUnsafeBytes(put)
      case .i64(let v): ok = v.withUnsafeBytes(put)
      }
    }
    // Sources changed while the columns were derived: the file would describe other data.
    if ok, DataCache.fingerprints(folder) == sources, rename(temporary, final) == 0 { return }
    unlink(temporary)
  }
}
