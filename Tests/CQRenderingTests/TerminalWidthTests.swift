import CQRendering
import Testing

@Suite struct TerminalWidthTests {
  @Test(arguments: [
    ("Zoë", 3),
    ("Zoe\u{0301}", 3),  // combining acute accent
    ("आरव", 3),
    ("शर्मा", 4),  // श, र, virama 0, म, vowel sign ा (spacing) 1
    ("कि", 2),
    ("कु", 1),  // vowel sign u is nonspacing
    ("李小龙", 6),
    ("🌸", 2),
    ("👨‍👩‍👧", 2),  // ZWJ family
    ("❤️", 2),  // variation selector 16
    ("🇮🇳", 2),  // flag
    ("👍🏽", 2),  // skin tone
    ("a\u{200B}b", 2),
    ("ｈｉ", 4),  // fullwidth
    ("₹1,000", 6),
    ("", 0),
  ])
  func width(text: String, expected: Int) {
    #expect(TerminalWidth.displayWidth(text) == expected, "\(text)")
  }
}
