import Testing

@testable import CQStorage

/// The UTF-8 check: the table-driven fast path accepts exactly what the character-by-character
/// check accepts, and invalid input is still reported at the exact byte.
@Suite("FieldParsing: UTF-8")
struct UTF8CheckTests {
  func check(_ bytes: [UInt8]) -> (valid: Bool, first: Int?) {
    bytes.withUnsafeBufferPointer { b in
      guard let p = b.baseAddress else { return (true, nil) }
      return (
        FieldParsing.isValidUTF8(p, 0, b.count),
        FieldParsing.firstInvalidUTF8Precisely(p, 0, b.count)
      )
    }
  }

  @Test func knownSequences() {
    let valid: [[UInt8]] = [
      Array("plain ascii".utf8), Array("Zoë, यश अग्रवाल, 💪 and 𐍈".utf8), [0xED, 0x9F, 0xBF],
      [0xF4, 0x8F, 0xBF, 0xBF], [0xE0, 0xA0, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xC2, 0x80],
    ]
    let invalid: [([UInt8], Int)] = [
      ([0x61, 0xC0, 0x80], 1),  // overlong two-byte
      ([0xE0, 0x9F, 0xBF], 0),  // overlong three-byte
      ([0xED, 0xA0, 0x80], 0),  // surrogate
      ([0xF0, 0x8F, 0xBF, 0xBF], 0),  // overlong four-byte
      ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
      ([0xF5, 0x80, 0x80, 0x80], 0),
      ([0x61, 0x62, 0xE2, 0x82], 2),  // cut short at the end
      ([0xE2, 0x0A, 0x82], 0),  // a line break inside a character: reported at its lead byte
      ([0x80], 0), ([0xFF], 0),
    ]
    for v in valid { #expect(check(v) == (true, nil), "\(v)") }
    for (v, at) in invalid {
      // Also at every alignment within a 16-byte block, after ASCII and after other characters.
      for pad in 0..<20 {
        let prefix = Array(repeating: UInt8(ascii: "x"), count: pad)
        let r = check(prefix + v + Array("tail of ascii, long enough".utf8))
        #expect(!r.valid, "\(v) after \(pad)")
        #expect(r.first == pad + at, "\(v) after \(pad)")
        let r2 = check(Array("é".utf8) + prefix + v)
        #expect(!r2.valid && r2.first == 2 + pad + at, "\(v) after é and \(pad)")
      }
    }
  }

  @Test func fastAndPreciseChecksAgreeOnRandomBytes() {
    // Seeded (SplitMix64), so a failure repeats.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    let alphabet: [UInt8] = [
      0x41, 0x0A, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF,
      0xF0, 0xF1, 0xF4, 0xF5, 0xFF,
    ]
    // Valid text from characters of every length, then one byte in some strings replaced.
    let characters = Array("a\n,é߿ठ퟿힣💪𐍈\u{10FFFF}".unicodeScalars).map { Array(String($0).utf8) }
    var agreed = 0
    var invalid = 0
    for _ in 0..<20_000 {
      var bytes: [UInt8] = []
      for _ in 0..<Int(next() % 12) { bytes += characters[Int(next() % UInt64(characters.count))] }
      if !bytes.isEmpty && next() % 2 == 0 {
        bytes[Int(next() % UInt64(bytes.count))] = alphabet[Int(next() % UInt64(alphabet.count))]
      }
      let r = check(bytes)
      if r.valid == (r.first == nil) { agreed += 1 }
      if !r.valid { invalid += 1 }
      #expect(r.valid == (r.first == nil), "\(bytes)")
    }
    #expect(agreed == 20_000)
    #expect(invalid > 1_000 && invalid < 19_000, "the inputs mix valid and invalid")
  }
}
