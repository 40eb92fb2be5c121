import CQStorage
import CQTestSupport
import Testing

@testable import CQRendering

@Suite struct ValueFormattingTests {
  let indian = ValueFormatter(options: RenderOptions(grouping: .indian))
  let western = ValueFormatter(options: RenderOptions(grouping: .western))

  @Test func grouping() {
    #expect(indian.display(.integer(17_879_815), format: .integer) == "1,78,79,815")
    #expect(western.display(.integer(1_787_981), format: .integer) == "1,787,981")
    #expect(indian.display(.integer(999), format: .integer) == "999")
    #expect(indian.display(.integer(1_000), format: .integer) == "1,000")
    #expect(indian.display(.integer(-100_000), format: .integer) == "-1,00,000")
    #expect(western.display(.integer(Int64.min), format: .integer) == "-9,223,372,036,854,775,808")
  }

  @Test func money() {
    #expect(indian.display(.paise(12_345_670), format: .money) == "₹1,23,456.70")
    #expect(western.display(.paise(-5), format: .money) == "-₹0.05")
    #expect(western.display(.paise(0), format: .money) == "₹0.00")
    #expect(indian.display(.number(1_234.5), format: .money) == "₹1,234.50")
    #expect(indian.display(.number(0.285), format: .money) == "₹0.29")
    #expect(indian.display(.number(-0.004), format: .money) == "₹0.00")
    var options = RenderOptions()
    options.currencySymbol = "Rs "
    #expect(ValueFormatter(options: options).display(.paise(100), format: .money) == "Rs 1.00")
  }

  @Test func ratios() {
    #expect(western.display(.number(0.0676), format: .percent) == "6.76%")
    #expect(western.display(.number(0.06765), format: .percent) == "6.77%")
    // Below 0.1%, two significant digits rather than a misleading 0.00%.
    #expect(western.display(.number(0.000031234), format: .percent) == "0.0031%")
    #expect(western.display(.number(0.0005), format: .percent) == "0.050%")
    #expect(western.display(.number(0.004), format: .percent) == "0.40%")
    #expect(western.display(.number(1e-12), format: .percent) == "0.000000%")
    #expect(western.display(.number(0), format: .percent) == "0.00%")
    #expect(western.display(.number(3.4249), format: .multiple) == "3.42x")
    #expect(western.display(.number(-0.5), format: .multiple) == "-0.50x")
    #expect(western.display(.number(1234.5), format: .decimal) == "1,234.50")
    #expect(western.display(.number(.infinity), format: .multiple) == "–")
    #expect(western.display(.number(.nan), format: .percent) == "–")
    #expect(western.display(.empty, format: .money) == "–")
    #expect(
      ValueFormatter(options: RenderOptions(ascii: true)).display(.empty, format: .money) == "-")
  }

  @Test func textAndDates() {
    #expect(western.display(.text("2025-06"), format: .date) == "2025-06")
    #expect(western.display(.integer(12_345), format: .text) == "12345")
  }

  @Test func machine() {
    typealias M = ValueFormatter.MachineCell
    #expect(ValueFormatter.machine(.paise(12_345), format: .money) == M.number("123.45"))
    #expect(ValueFormatter.machine(.paise(-12_345), format: .money) == M.number("-123.45"))
    #expect(ValueFormatter.machine(.paise(-5), format: .money) == M.number("-0.05"))
    #expect(
      ValueFormatter.machine(.paise(Int64.min), format: .money) == M.number("-92233720368547758.08")
    )
    #expect(ValueFormatter.machine(.number(12.345), format: .money) == M.number("12.35"))
    #expect(ValueFormatter.machine(.number(0.0676), format: .percent) == M.number("0.0676"))
    #expect(ValueFormatter.machine(.number(1e-7), format: .percent) == M.number("0.0000001"))
    #expect(
      ValueFormatter.machine(.number(1.0 / 3), format: .multiple) == M.number("0.3333333333333333"))
    #expect(ValueFormatter.machine(.number(4), format: .multiple) == M.number("4"))
    #expect(
      ValueFormatter.machine(.number(2e20), format: .decimal) == M.number("200000000000000000000"))
    #expect(ValueFormatter.machine(.integer(1_787_981), format: .integer) == M.number("1787981"))
    #expect(ValueFormatter.machine(.empty, format: .money) == nil)
    #expect(ValueFormatter.machine(.number(.nan), format: .percent) == nil)
  }

  @Test func decimalRounding() {
    #expect(DecimalText(0.995)?.fixed(places: 2) == "1.00")
    #expect(DecimalText(9.995)?.fixed(places: 2) == "10.00")
    #expect(DecimalText(-0.001)?.fixed(places: 2) == "0.00")
    #expect(DecimalText(0.0004)?.fixed(places: 3) == "0.000")
    #expect(DecimalText(0.0005)?.fixed(places: 3) == "0.001")
    #expect(DecimalText(123_456_789.125)?.fixed(places: 2, grouping: .indian) == "12,34,56,789.13")
    #expect(DecimalText(1e-300)?.plain.count == 302)
    #expect(DecimalText(-0.0)?.plain == "0")
  }
}
