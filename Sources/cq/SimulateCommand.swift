import ArgumentParser
import CQSimulator

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `cq simulate --seed S --scale K --out DIR`: writes a deterministic data set (SPEC §7).
struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Write a simulated data set: the same seed and scale give the same bytes.",
    discussion: """
      Writes influencers.csv, posts.csv, tracking_data.csv, payouts.csv and products.csv. \
      Scale 1 is 500 influencers, 10,000 posts and 20,000 tracking rows between 2025-04-23 \
      and 2025-07-22; scale K multiplies posts and tracking rows by K (influencers and so \
      payouts by min(K, 20)), so scale 500 writes about 10 million tracking rows. \
      With --store-orders it also writes store_orders.csv: every tracked order plus organic \
      orders per brand and day from eight weeks before the first post, including two brands \
      influencers never promote, with a known lift (the baseline for lift_revenue and iroas).
      """)

  @Option(help: "The seed of the generator.")
  var seed: UInt64 = SimulatorOptions.defaultSeed

  @Option(help: ArgumentHelp("How many times the seed data set's size.", valueName: "k"))
  var scale: Int = 1

  @Option(help: ArgumentHelp("The folder to write (created if needed).", valueName: "dir"))
  var out: String

  @Flag(help: "Also write store_orders.csv, the baseline for lift_revenue and iroas.")
  var storeOrders = false

  func validate() throws {
    guard scale >= 1, scale <= SimulatorOptions.maximumScale else {
      throw ValidationError(
        "'--scale' must be a whole number from 1 to \(SimulatorOptions.maximumScale), "
          + "found \(scale)"
      )
    }
  }

  func run() throws {
    let terminal = isatty(2) == 1
    var shownPercent = -1
    let progress: ((Double, String) -> Void)? =
      terminal
      ? { fraction, label in
        let percent = Int(fraction * 100)
        guard percent != shownPercent else { return }
        shownPercent = percent
        standardError("\r\u{1B}[2Ksimulating: \(percent)% \(label)")
      } : nil
    let clock = ContinuousClock()
    let start = clock.now
    let summary: SimulatorSummary
    do {
      summary = try Simulator.write(
        SimulatorOptions(seed: seed, scale: scale, storeOrders: storeOrders), to: out,
        progress: progress)
    } catch let error as SimulatorError {
      if terminal { standardError("\r\u{1B}[2K") }
      standardError("cq: \(error)\n")
      throw ExitCode(4)
    }
    if terminal { standardError("\r\u{1B}[2K") }
    let elapsed = clock.now - start
    let tenths =
      elapsed.components.seconds * 10 + elapsed.components.attoseconds / 100_000_000_000_000_000
    standardError(
      "wrote \(summary) in \(tenths / 10).\(tenths % 10) s (seed \(seed), scale \(scale))\n")
    for name in summary.removed {
      standardError(
        "note: removed \(name) left by an earlier --store-orders run: it would not match this data set\n"
      )
    }
  }
}

/// Writes `text` to standard error, unbuffered.
private func standardError(_ text: String) {
  var text = text
  text.withUTF8 { bytes in
    guard let base = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
      let n = write(2, base + offset, bytes.count - offset)
      if n <= 0 { return }
      offset += n
    }
  }
}
