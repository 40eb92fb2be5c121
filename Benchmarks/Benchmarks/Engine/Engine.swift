// engine/<operation>/<size>: `Engine.run(_:source:)` (bind + plan + execute) over a scale-10
// simulated folder (seed 42: 200,000 tracking rows, 100,000 posts). Simulation, load, engine
// construction and parsing happen in setup, outside the timed part.
import Benchmark
import CQEngine
import CQLanguage
import Fixtures

let benchmarks: @Sendable () -> Void = {
  let metrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal]
  let scale = 10

  // (benchmark name, statement): filter + group-by + sum, and distinct count.
  let cases: [(name: String, text: String)] = [
    ("engine/group-by/scale-\(scale)", "revenue, orders by campaign"),
    ("engine/filter/scale-\(scale)", "roas by campaign where brand=MuscleBlaze"),
    ("engine/filter-by-week/scale-\(scale)", "revenue by week where brand=HKVitals"),
    ("engine/distinct-count/scale-\(scale)", "customers by brand, platform"),
  ]

  for (name, text) in cases {
    Benchmark(
      name,
      configuration: .init(
        metrics: metrics, warmupIterations: 2, maxDuration: .seconds(2), maxIterations: 200)
    ) { (benchmark: Benchmark, input: (loaded: LoadedEngine, query: QueryStmt)) throws in
      for _ in benchmark.scaledIterations {
        blackHole(try input.loaded.engine.run(input.query, source: text))
      }
    } setup: {
      let query = try Fixtures.query(text)
      let loaded = try Fixtures.engine(scale: scale)
      // Fail in setup, not in the timed loop, when the query does not bind.
      _ = try loaded.engine.run(query, source: text)
      return (loaded, query)
    } teardown: {
      Fixtures.removeTemporaryFolders()
    }
  }
}
