import CQStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The distribution of the first metric over the groups: 8–12 bins of a round width (fewer
/// for few groups), each with its edges and a bar of its count.
///
/// ```
/// revenue over 30 influencer groups
/// [₹0 – ₹20,000)        │████████████▌ 9
/// [₹20,000 – ₹40,000)   │██████▉ 5
/// [₹1,80,000 – ₹2,00,000] │█▍ 1
/// ```
struct HistogramChart {
  var data: ChartData
  var context: ChartContext

  struct Bins: Equatable {
    var start: Double
    var step: Double
    var counts: [Int]
  }

  /// Round bins covering `values`: the width is 1, 2, 2.5 or 5 times a power of ten; the last
  /// bin is closed so the maximum falls in it.
  static func bins(_ values: [Double], integral: Bool) -> Bins {
    guard let low = values.min(), let high = values.max() else {
      return Bins(start: 0, step: 1, counts: [])
    }
    let n = values.count
    let target = n < 8 ? max(1, n) : min(12, max(8, Int(Double(n).squareRoot())))
    guard high > low else { return Bins(start: low, step: 0, counts: [n]) }
    let step = niceStep(low: low, high: high, target: target, integral: integral)
    let start = (low / step).rounded(.down) * step
    let count = binCount(low: low, high: high, step: step)
    var counts = Array(repeating: 0, count: count)
    for v in values {
      let raw = (v - start) / step
      let index = raw.isFinite ? min(count - 1, max(0, Int(raw.rounded(.down)))) : 0
      counts[index] += 1
    }
    return Bins(start: start, step: step, counts: counts)
  }

  /// The round bin width (1, 2, 2.5 or 5 × 10^k) whose bin count is nearest `target`,
  /// at most 12 bins; whole numbers only for integer metrics.
  static func niceStep(low: Double, high: Double, target: Int, integral: Bool) -> Double {
    let raw = (high - low) / Double(target)
    guard raw.isFinite, raw > 0 else { return 1 }
    let power = pow(10, log10(raw).rounded(.down))
    var best: (step: Double, distance: Int)?
    for exponent in [0.1, 1.0, 10.0] {
      for factor in [1.0, 2.0, 2.5, 5.0] {
        let step = factor * power * exponent
        if integral && (step < 1 || step != step.rounded()) { continue }
        let count = binCount(low: low, high: high, step: step)
        guard count <= 12 else { continue }
        let distance = abs(count - target)
        if distance < (best?.distance ?? Int.max) { best = (step, distance) }
      }
    }
    return best?.step ?? (integral ? max(1, raw.rounded(.up)) : raw)
  }

  static func binCount(low: Double, high: Double, step: Double) -> Int {
    let start = (low / step).rounded(.down) * step
    let count = ((high - start) / step).rounded(.up)
    guard count.isFinite else { return 1 }
    return max(1, min(1_000, Int(count)))
  }

  func lines() -> [String] {
    let metric = data.metrics[0]
    let format = data.format(metric)
    let formatter = context.formatter
    let groups =
      data.labelColumns.isEmpty ? "row" : data.labelColumns.map(data.name).joined(separator: " · ")
    let values = data.rows.compactMap { data.number($0, metric) }
    var out = [
      "\(data.name(metric)) over \(values.count) \(groups) \(values.count == 1 ? "group" : "groups")"
    ]
    var notes: [String] = []
    let skipped = data.rows.count - values.count
    if skipped > 0 {
      notes.append("\(skipped) \(skipped == 1 ? "group" : "groups") without a value not counted")
    }
    if let note = data.unusedMetricsNote(used: 1) { notes.append(note) }
    guard !values.isEmpty else {
      out.append(data.rows.isEmpty ? "(no rows to chart)" : "(no values to chart)")
      return out + notes
    }
    let bins = Self.bins(values, integral: format == .integer)
    let places =
      bins.step > 0
      ? ChartContext.places(forStep: bins.step)
      : ChartContext.places(forStep: max(abs(bins.start) / 100, 0.01))
    let dash = context.ascii ? " - " : " \u{2013} "
    var labels: [String] = []
    for i in bins.counts.indices {
      let low = bins.start + Double(i) * bins.step
      let high = bins.start + Double(i + 1) * bins.step
      let last = i == bins.counts.count - 1
      let lowText = formatter.axis(low, format: format, places: places)
      let highText = formatter.axis(bins.step > 0 ? high : low, format: format, places: places)
      labels.append("[" + lowText + dash + highText + (last ? "]" : ")"))
    }
    let labelWidth = labels.map(TerminalWidth.displayWidth).max() ?? 0
    let maxCount = bins.counts.max() ?? 0
    let countWidth = String(maxCount).count
    let region = max(4, context.width - labelWidth - 3 - countWidth)
    let axis = context.ascii ? "|" : "│"
    for (i, count) in bins.counts.enumerated() {
      let cells = maxCount > 0 ? Double(count) * Double(region) / Double(maxCount) : 0
      let bar = context.bar(cells: cells, nonZero: count > 0)
      let label = TerminalWidth.pad(labels[i], toWidth: labelWidth, alignRight: false)
      out.append(label + " " + axis + bar + " " + String(count))
    }
    return out + notes
  }
}
