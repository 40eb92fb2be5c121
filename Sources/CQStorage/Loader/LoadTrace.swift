#if canImport(Glibc)
  import Glibc
#endif

// TEMPORARY timeline instrumentation (not to be committed).
nonisolated(unsafe) private var traceStart: Double = -1
private let traceOn = getenv("CQ_LOAD_TRACE") != nil

func loadTrace(_ label: @autoclosure () -> String) {
  guard traceOn else { return }
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  let now = Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
  if traceStart < 0 { traceStart = now }
  let line = "trace \(Int(now - traceStart)) \(label())\n"
  var l = line; l.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

func knob(_ name: String, _ value: Int) -> Int {
  guard let v = getenv(name) else { return value }
  return Int(String(cString: v)) ?? value
}
