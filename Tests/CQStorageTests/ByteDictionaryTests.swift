import Testing

@testable import CQStorage

/// The ingest dictionary: codes in first-seen order, exact byte equality for every length (short
/// values live in their slots, long ones in the arena), and snapshots merged back in order.
@Suite("ByteDictionary")
struct ByteDictionaryTests {
  /// Interns `value`'s bytes.
  func intern(_ dictionary: ByteDictionary, _ value: [UInt8]) -> Int32 {
    value.withUnsafeBufferPointer { b in
      var empty: UInt8 = 0
      return b.baseAddress.map { dictionary.intern($0, b.count) } ?? dictionary.intern(&empty, 0)
    }
  }

  func code(_ dictionary: ByteDictionary, _ value: [UInt8]) -> Int32? {
    value.withUnsafeBufferPointer { b in
      var empty: UInt8 = 0
      return b.baseAddress.map { dictionary.code(of: $0, b.count) }
        ?? dictionary.code(of: &empty, 0)
    }
  }

  /// Values of every length from 0 to 40 that differ in one byte at each position, so a key
  /// that ignored any byte would merge two of them.
  static let values: [[UInt8]] = {
    var out: [[UInt8]] = []
    for length in 0...40 {
      let base = (0..<length).map { UInt8(truncatingIfNeeded: 97 + $0 % 26) }
      out.append(base)
      for i in 0..<length {
        var v = base
        v[i] = 0x5A
        if v != base { out.append(v) }
        var w = base
        w[i] = 0xC3  // a high byte
        out.append(w)
      }
    }
    return out
  }()

  @Test func everyLengthAndEveryByteCounts() {
    let d = ByteDictionary()
    var seen: [[UInt8]: Int32] = [:]
    for v in Self.values {
      let c = intern(d, v)
      if let first = seen[v] {
        #expect(c == first)
      } else {
        #expect(Int(c) == seen.count, "codes are dense, in first-seen order")
        seen[v] = c
      }
    }
    #expect(d.count == seen.count)
    // Again, after all the growth: every value finds its code, nothing new is added.
    for v in Self.values {
      #expect(intern(d, v) == seen[v])
      #expect(code(d, v) == seen[v])
    }
    #expect(d.count == seen.count)
    let strings = d.strings()
    for (v, c) in seen {
      #expect(strings[Int(c)] == String(decoding: v, as: UTF8.self))
      #expect(d.string(c) == strings[Int(c)])
    }
    #expect(code(d, Array("not there at all, long enough".utf8)) == nil)
    #expect(code(d, Array("zz".utf8)) == nil)
  }

  @Test func manyValuesSurviveGrowth() {
    let d = ByteDictionary()
    // Enough values for `strings()` to use two threads; some longer than a slot holds.
    let names = (0..<70_000).map {
      Array(($0 % 3 == 0 ? "a long customer name #" : "user_").utf8)
        + Array("\($0 * 7919 % 1_000_003)".utf8)
    }
    for (i, n) in names.enumerated() { #expect(intern(d, n) == Int32(i)) }
    for (i, n) in names.enumerated().reversed() { #expect(code(d, n) == Int32(i)) }
    #expect(d.count == names.count)
    #expect(d.strings() == names.map { String(decoding: $0, as: UTF8.self) })
    #expect(d.isASCII)
  }

  @Test func knowsWhetherEveryValueIsASCII() {
    let d = ByteDictionary()
    _ = intern(d, Array("plain".utf8))
    _ = d.copy()
    #expect(d.isASCII)
    let snapshot = d.copy()
    _ = intern(snapshot, Array("Zoë".utf8))
    #expect(!snapshot.isASCII)
    #expect(d.isASCII, "a snapshot is independent")
    _ = d.merge(snapshot, base: 1)
    #expect(!d.isASCII)
    #expect(d.strings() == ["plain", "Zoë"])
  }

  @Test func snapshotsMergeBackInFirstSeenOrder() {
    let main = ByteDictionary()
    for v in ["a", "Campaign_1", "a value longer than sixteen bytes"] {
      _ = intern(main, Array(v.utf8))
    }
    let base = main.count
    let snapshot = main.copy()
    // The first chunk adds values to main while the second adds its own to the snapshot.
    _ = intern(main, Array("only in the first chunk".utf8))
    _ = intern(main, Array("both".utf8))
    #expect(intern(snapshot, Array("Campaign_1".utf8)) == 1, "known values keep their codes")
    let both = intern(snapshot, Array("both".utf8))
    let second = intern(snapshot, Array("only in the second chunk, and long".utf8))
    let map = main.merge(snapshot, base: base)
    #expect(map.count == 2)
    #expect(map[Int(both) - base] == 4)
    #expect(map[Int(second) - base] == 5)
    #expect(
      main.strings() == [
        "a", "Campaign_1", "a value longer than sixteen bytes", "only in the first chunk", "both",
        "only in the second chunk, and long",
      ])
  }

  @Test func truncateForgetsLaterValues() {
    let d = ByteDictionary()
    for i in 0..<100 { _ = intern(d, Array("value number \(i) of a hundred".utf8)) }
    for i in 0..<100 { _ = intern(d, Array("v\(i)".utf8)) }
    d.truncate(to: 50)
    #expect(d.count == 50)
    #expect(code(d, Array("value number 49 of a hundred".utf8)) == 49)
    #expect(code(d, Array("value number 50 of a hundred".utf8)) == nil)
    #expect(code(d, Array("v1".utf8)) == nil)
    #expect(intern(d, Array("v1".utf8)) == 50)
    #expect(d.string(50) == "v1")
  }

  @Test func memoGivesTheDictionarysCodes() {
    // Every length up to past the memo's limit, more values than it has entries (so entries are
    // shared and replaced), each looked up many times in a scrambled order.
    let d = ByteDictionary()
    let reference = ByteDictionary()
    let memo = CodeMemo()
    let values = Self.values.filter { $0.count <= 30 }
    var x: UInt64 = 1
    for _ in 0..<20_000 {
      x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let v = values[Int(x >> 33) % values.count]
      let code = v.withUnsafeBufferPointer { b -> Int32 in
        var empty: UInt8 = 0
        guard let p = b.baseAddress else { return memo.code(&empty, 0, in: d) }
        return memo.code(p, b.count, in: d)
      }
      #expect(code == intern(reference, v), "\(v)")
    }
    #expect(d.count == reference.count)
    #expect(d.strings() == reference.strings())
  }
}
