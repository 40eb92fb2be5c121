/// The bytes of one column's fields in a batch, back to back, as a sequence that copies itself
/// into an array's storage field by field.
///
/// `ContiguousArray.append(contentsOf:)` reserves `underestimatedCount` elements and hands the
/// uninitialized room to `_copyContents(initializing:)`: a whole batch of text fields lands in
/// the column with one capacity check and one `memcpy` per field, instead of an `append` per row.
struct GatheredFields: Sequence {
  let batch: RecordBatch
  /// The column's first span in the batch (`batch.spans + 2 * field`).
  let at: UnsafePointer<Int>
  /// Ints between one row's span and the next (`2 * batch.width`).
  let stride: Int
  let rows: Int
  let file: UnsafePointer<UInt8>
  /// The total bytes of the fields.
  let byteCount: Int

  init(
    batch: RecordBatch, at: UnsafePointer<Int>, stride: Int, rows: Int,
    file: UnsafePointer<UInt8>
  ) {
    self.batch = batch
    self.at = at
    self.stride = stride
    self.rows = rows
    self.file = file
    var total = 0
    for r in 0..<rows { total += abs(at[r * stride + 1] - at[r * stride]) }
    byteCount = total
  }

  var underestimatedCount: Int { byteCount }

  /// The slow path, used only if a caller iterates byte by byte.
  struct Iterator: IteratorProtocol {
    let fields: GatheredFields
    var row = 0
    var offset = 0

    mutating func next() -> UInt8? {
      while row < fields.rows {
        let k = row * fields.stride
        let f = fields.batch.field(fields.at[k], fields.at[k + 1], in: fields.file)
        if offset < f.count {
          offset += 1
          return f.bytes[offset - 1]
        }
        row += 1
        offset = 0
      }
      return nil
    }
  }

  func makeIterator() -> Iterator { Iterator(fields: self) }

  func _copyContents(initializing buffer: UnsafeMutableBufferPointer<UInt8>) -> (Iterator, Int) {
    guard let base = buffer.baseAddress, buffer.count >= byteCount else {
      // Not enough room: fill it the element-wise way.
      var it = makeIterator()
      var written = 0
      while written < buffer.count, let b = it.next() {
        buffer[written] = b
        written += 1
      }
      return (it, written)
    }
    var written = 0
    for r in 0..<rows {
      let f = batch.field(at[r * stride], at[r * stride + 1], in: file)
      (base + written).initialize(from: f.bytes, count: f.count)
      written += f.count
    }
    return (Iterator(fields: self, row: rows, offset: 0), written)
  }
}
