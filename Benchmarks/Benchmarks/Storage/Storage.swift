// storage/load/<size>: `DataLoader.load(folder:)` — CSV field parsing, validation, dictionary
// encoding and table build — on simulated folders (seed 42). The folder is written in setup,
// outside the timed part; every iteration parses the files again (the uncached path).
import Benchmark
import CQStorage
import Fixtures

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
}
