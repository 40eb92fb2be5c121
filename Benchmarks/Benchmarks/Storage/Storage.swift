// storage/load/<size>: `DataLoader.load(folder:)` — CSV field parsing, validation, dictionary
// encoding and table build — on simulated folders (seed 42). The folder is written in setup,
// outside the timed part; every iteration parses the files again (the uncached path).
//
// storage/csv-fields/<kind>/<size>: the tokenizer and one field parser alone over
// tracking_data.csv held in memory (orders as counts, revenue as hundredths, date as days).
import Benchmark
@_spi(Benchmarks) import CQStorage
import Fixtures
import Foundation

let benchmarks: @Sendable () -> Void = {
  let metrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, .peakMemoryResident]

  for (scale, maxIterations) in [(1, 50), (10, 10)] {
    Benchmark(
      "storage/load/scale-\(scale)",
      configuration: .init(
        metrics: metrics, warmupIterations: 1, maxDuration: .seconds(3),
        maxIterations: maxIterations)
    ) { (benchmark: Benchmark, folder: SimulatedFolder) throws in
      for _ in benchmark.scaledIterations {
        blackHole(try Fixtures.load(folder))
      }
    } setup: {
      try Fixtures.simulate(scale: scale)
    } teardown: {
      Fixtures.removeTemporaryFolders()
    }
  }

  let fields: [(column: String, kind: CSVKernels.Kind)] = [
    ("orders", .count), ("revenue", .hundredths), ("date", .date),
  ]
  for (column, kind) in fields {
    Benchmark(
      "storage/csv-fields/\(column)/scale-10",
      configuration: .init(
        metrics: [.wallClock, .throughput], warmupIterations: 1, maxDuration: .seconds(2),
        maxIterations: 50)
    ) { (benchmark: Benchmark, input: (body: [UInt8], column: Int)) in
      for _ in benchmark.scaledIterations {
        blackHole(CSVKernels.parseColumn(input.body, column: input.column, as: kind))
      }
    } setup: {
      let folder = try Fixtures.simulate(scale: 10)
      let bytes = [UInt8](
        try Data(contentsOf: URL(fileURLWithPath: folder.path + "/tracking_data.csv")))
      let headerEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
      let names = String(decoding: bytes[..<headerEnd], as: UTF8.self).split(separator: ",").map(
        String.init)
      guard let index = names.firstIndex(of: column) else {
        throw MissingColumn(name: column)
      }
      return (Array(bytes[min(headerEnd + 1, bytes.count)...]), index)
    } teardown: {
      Fixtures.removeTemporaryFolders()
    }
  }
}

/// The simulated tracking_data.csv lacks a column a benchmark reads.
struct MissingColumn: Error {
  let name: String
}
