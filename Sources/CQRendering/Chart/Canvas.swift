#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A grid of terminal cells to plot on, either with braille dots (2 × 4 per cell) or with one
/// glyph per cell.
struct Canvas {
  let columns: Int
  let rows: Int
  private var glyphs: [[String?]]
  private var dots: [[UInt8]]

  init(columns: Int, rows: Int) {
    self.columns = max(1, columns)
    self.rows = max(1, rows)
    glyphs = Array(repeating: Array(repeating: nil, count: self.columns), count: self.rows)
    dots = Array(repeating: Array(repeating: 0, count: self.columns), count: self.rows)
  }

  /// Dot resolution: `2 × columns` by `4 × rows`.
  var dotColumns: Int { columns * 2 }
  var dotRows: Int { rows * 4 }

  /// Sets the braille dot at (x, y), y growing downward; out-of-range dots are ignored.
  mutating func setDot(x: Int, y: Int) {
    guard x >= 0, y >= 0, x < dotColumns, y < dotRows else { return }
    let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
    dots[y / 4][x / 2] |= bits[y % 4][x % 2]
  }

  /// Draws a straight line of dots from (x0, y0) to (x1, y1) (Bresenham).
  mutating func line(x0: Int, y0: Int, x1: Int, y1: Int) {
    var x = x0
    var y = y0
    let dx = abs(x1 - x0)
    let dy = -abs(y1 - y0)
    let sx = x0 < x1 ? 1 : -1
    let sy = y0 < y1 ? 1 : -1
    var error = dx + dy
    var steps = 0
    while steps <= dx - dy + 1 {
      setDot(x: x, y: y)
      if x == x1 && y == y1 { break }
      let e2 = 2 * error
      if e2 >= dy {
        error += dy
        x += sx
      }
      if e2 <= dx {
        error += dx
        y += sy
      }
      steps += 1
    }
  }

  /// Puts `glyph` in the cell (column, row); out-of-range cells are ignored.
  mutating func set(column: Int, row: Int, _ glyph: String) {
    guard column >= 0, row >= 0, column < columns, row < rows else { return }
    glyphs[row][column] = glyph
  }

  func glyph(column: Int, row: Int) -> String? {
    guard column >= 0, row >= 0, column < columns, row < rows else { return nil }
    return glyphs[row][column]
  }

  /// The text of one row: glyphs win over dots, empty cells are spaces.
  func line(_ row: Int) -> String {
    guard row >= 0, row < rows else { return "" }
    var out = ""
    for column in 0..<columns {
      if let glyph = glyphs[row][column] {
        out += glyph
      } else if dots[row][column] != 0,
        let scalar = Unicode.Scalar(0x2800 + UInt32(dots[row][column]))
      {
        out.unicodeScalars.append(scalar)
      } else {
        out += " "
      }
    }
    return out
  }
}

/// Places of a value range on a plot axis of `cells` positions.
struct AxisScale {
  var low: Double
  var high: Double

  /// The data range, widened when it is a single value so that it has height.
  init(values: [Double]) {
    var low = values.min() ?? 0
    var high = values.max() ?? 1
    if !(low.isFinite && high.isFinite) {
      low = 0
      high = 1
    }
    if low == high {
      if low == 0 {
        high = 1
      } else {
        let pad = abs(low) * 0.1
        low -= pad
        high += pad
      }
    }
    self.low = low
    self.high = high
  }

  /// A range around `values` that starts and ends on round numbers (multiples of 1, 2, 2.5
  /// or 5 × 10^k, about a quarter of the range), so that the ends and the middle read well.
  static func rounded(values: [Double]) -> AxisScale {
    var scale = AxisScale(values: values)
    let step = NiceNumber.atLeast((scale.high - scale.low) / 4)
    let low = (scale.low / step).rounded(.down) * step
    let high = (scale.high / step).rounded(.up) * step
    if low.isFinite && high.isFinite && high > low {
      scale.low = low
      scale.high = high
      scale.tickStep = step / 2
    }
    return scale
  }

  /// The difference between neighbouring labelled values, for choosing decimals.
  var tickStep: Double?

  /// Position 0…`cells - 1` of `value`, 0 at `low`.
  func position(_ value: Double, cells: Int) -> Int {
    guard cells > 1 else { return 0 }
    let t = (value - low) / (high - low)
    guard t.isFinite else { return 0 }
    return min(cells - 1, max(0, Int((t * Double(cells - 1)).rounded())))
  }

  /// The value at position `index` of `cells`.
  func value(at index: Int, cells: Int) -> Double {
    guard cells > 1 else { return low }
    return low + (high - low) * Double(index) / Double(cells - 1)
  }
}

/// Round numbers for axes and bins.
enum NiceNumber {
  /// The smallest of 1, 2, 2.5, 5 × 10^k not below `raw` (1 for a non-positive `raw`).
  static func atLeast(_ raw: Double) -> Double {
    guard raw.isFinite, raw > 0 else { return 1 }
    let power = pow(10, log10(raw).rounded(.down))
    for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * power >= raw * (1 - 1e-12) {
      return factor * power
    }
    return 10 * power
  }
}

/// Lays out labels at positions on one line: each is kept if it does not overlap the ones
/// placed before (first, last, then the others).
func axisLabels(_ labels: [(position: Int, text: String)], width: Int) -> String {
  var cells = Array(repeating: " ", count: max(0, width))
  var taken = Array(repeating: false, count: max(0, width))
  let ordered = labels.enumerated().sorted { a, b in
    let rank = { (i: Int) in i == 0 ? 0 : (i == labels.count - 1 ? 1 : 2) }
    return rank(a.offset) < rank(b.offset)
  }
  for (index, label) in ordered {
    let w = TerminalWidth.displayWidth(label.text)
    guard w > 0, w <= width else { continue }
    var start: Int
    if index == 0 && labels.count > 1 {
      start = label.position
    } else if index == labels.count - 1 && labels.count > 1 {
      start = label.position - w + 1
    } else {
      start = label.position - w / 2
    }
    start = min(max(0, start), width - w)
    let range = max(0, start - 1)..<min(width, start + w + 1)
    if range.contains(where: { taken[$0] }) { continue }
    for i in start..<(start + w) { taken[i] = true }
    cells[start] = label.text
    for i in (start + 1)..<(start + w) { cells[i] = "" }
  }
  return trimRight(cells.joined())
}
